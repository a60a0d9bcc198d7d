import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { LogEntry, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { SimEvent } from '../core/simulation.ts';
import { SimError } from '../errors.ts';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly transactionsTopic: string;
  readonly labelsTopic: string;
  readonly logger: Logger;
}

/** kafkajs levels mapped onto the injected pino logger, so the client logs as JSON like everything else. */
function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.error(extra, message);
      else if (level === logLevel.WARN) logger.warn(extra, message);
      else if (level === logLevel.INFO) logger.debug(extra, message);
    };
}

/**
 * Writes transactions and labels, Confluent-framed Avro keyed by card id (so each card's events stay in
 * order on one partition). Record timestamps are the wall-clock send time, set by kafkajs; event time is in
 * the record.
 */
export class KafkaSink {
  readonly #producer: Producer;
  readonly #codecs: SchemaCodecs;
  readonly #options: KafkaSinkOptions;
  #closed: Promise<void> | undefined;

  private constructor(producer: Producer, codecs: SchemaCodecs, options: KafkaSinkOptions) {
    this.#producer = producer;
    this.#codecs = codecs;
    this.#options = options;
  }

  static async connect(options: KafkaSinkOptions, codecs: SchemaCodecs): Promise<KafkaSink> {
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(options.logger.child({ component: 'kafkajs' })),
    });
    // Java-compatible murmur2 partitioning: other clients put the same card on the same partition.
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    try {
      await producer.connect();
    } catch (error) {
      throw new SimError('SEND_FAILED', `cannot connect to Kafka at ${options.brokers.join(',')}`, {
        cause: error,
        retryable: true,
      });
    }
    return new KafkaSink(producer, codecs, options);
  }

  async send(batch: readonly SimEvent[]): Promise<void> {
    const transactions: Message[] = [];
    const labels: Message[] = [];
    for (const event of batch) {
      if (event.kind === 'transaction') {
        transactions.push({ key: event.tx.cardId, value: this.#codecs.transaction.encode(event.tx) });
      } else {
        labels.push({ key: event.label.cardId, value: this.#codecs.label.encode(event.label) });
      }
    }
    const topicMessages = [
      { topic: this.#options.transactionsTopic, messages: transactions },
      { topic: this.#options.labelsTopic, messages: labels },
    ].filter((t) => t.messages.length > 0);
    try {
      await this.#producer.sendBatch({ topicMessages, acks: -1 });
    } catch (error) {
      throw new SimError('SEND_FAILED', `producing ${batch.length} records failed`, { cause: error, retryable: true });
    }
  }

  /** Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#producer.disconnect();
    return this.#closed;
  }
}
