import { Producer, compatibilityPartitioner, type MessageToProduce } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { innermostMessage } from '../../../../infra/kafka/client-errors.ts';
import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import { baseClientOptions } from '../../../scorer/src/kafka/client-options.ts';
import type { SimEvent } from '../core/simulation.ts';
import { SimError } from '../errors.ts';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly transactionsTopic: string;
  readonly labelsTopic: string;
  readonly logger: Logger;
}

/**
 * Keyed records go where Java's producer (and kafkajs' DefaultPartitioner, which this sink used before) puts them:
 * `(murmur2(key) & 0x7fffffff) % partitions`. The client's own default (`murmur2 >>> 0`) differs for the keys with
 * a negative hash, about half, whenever the partition count is not a power of two: their cards would move.
 */
export const keyPartitioner = compatibilityPartitioner;

/** A batch of the simulation as produce messages: transactions and labels to their topics, keyed by card id. */
export function toMessages(
  batch: readonly SimEvent[],
  codecs: SchemaCodecs,
  topics: { readonly transactions: string; readonly labels: string },
): MessageToProduce[] {
  const messages = new Array<MessageToProduce>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const event = batch[i]!;
    messages[i] =
      event.kind === 'transaction'
        ? {
            topic: topics.transactions,
            key: Buffer.from(event.tx.cardId, 'utf8'),
            value: codecs.transaction.encode(event.tx),
          }
        : {
            topic: topics.labels,
            key: Buffer.from(event.label.cardId, 'utf8'),
            value: codecs.label.encode(event.label),
          };
  }
  return messages;
}

/**
 * Writes transactions and labels, Confluent-framed Avro keyed by card id (so each card's events stay in order on
 * one partition), through an idempotent producer: acks = all, and a retried request is never written twice. The
 * client keeps one request in flight per broker connection, so concurrent `send`s (`--max-in-flight` above 1)
 * queue in the client in send order; a request that fails and is retried may still land after one sent later.
 * How many sends may be outstanding, and so the backpressure, is the open loop's `maxInFlight`. Record
 * timestamps are the wall-clock send time, set by the client; event time is in the record.
 */
export class KafkaSink {
  readonly #producer: Producer;
  readonly #codecs: SchemaCodecs;
  readonly #topics: { readonly transactions: string; readonly labels: string };
  #closed: Promise<void> | undefined;

  private constructor(producer: Producer, codecs: SchemaCodecs, options: KafkaSinkOptions) {
    this.#producer = producer;
    this.#codecs = codecs;
    this.#topics = { transactions: options.transactionsTopic, labels: options.labelsTopic };
  }

  /** Resolves once the brokers have given the producer its id, so an unreachable cluster fails here. */
  static async connect(options: KafkaSinkOptions, codecs: SchemaCodecs): Promise<KafkaSink> {
    // The shared retries (about 11 s of the scorer's backoff, then the run fails) matter here: an idempotent
    // producer left to the client's default retries for ever.
    const producer = new Producer({
      ...baseClientOptions(options.brokers, options.clientId),
      idempotent: true,
      partitioner: keyPartitioner,
      autocreateTopics: false,
    });
    logConnections(producer, options.logger.child({ component: 'kafka' }));
    try {
      await producer.initIdempotentProducer({});
    } catch (error) {
      await producer.close().catch(() => {});
      throw new SimError(
        'SEND_FAILED',
        `cannot connect to Kafka at ${options.brokers.join(',')}: ${innermostMessage(error)}`,
        { cause: error, retryable: true },
      );
    }
    return new KafkaSink(producer, codecs, options);
  }

  async send(batch: readonly SimEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const messages = toMessages(batch, this.#codecs, this.#topics);
    try {
      await this.#producer.send({ messages });
    } catch (error) {
      // The count and the client's reason only: no key or field of a record.
      throw new SimError('SEND_FAILED', `producing ${batch.length} records failed: ${innermostMessage(error)}`, {
        cause: error,
        retryable: true,
      });
    }
  }

  /** Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#producer.close();
    return this.#closed;
  }
}

/** The client has no logger: its connection events go to the injected one, as JSON like everything else. */
function logConnections(producer: Producer, logger: Logger): void {
  const where = (payload: unknown) => {
    const broker = (payload as { broker?: { host?: unknown; port?: unknown } } | undefined)?.broker;
    return { broker: `${String(broker?.host)}:${String(broker?.port)}` };
  };
  producer.on('client:broker:connect', (payload: unknown) => logger.debug(where(payload), 'connected'));
  producer.on('client:broker:disconnect', (payload: unknown) => logger.debug(where(payload), 'disconnected'));
  producer.on('client:broker:failed', (payload: unknown) =>
    logger.warn(where(payload), 'connection to a broker failed: the client retries'),
  );
}
