import type { Consumer, Kafka } from 'kafkajs';
import type { Clock } from '../clock.ts';

export interface OutputConsumerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** The transaction id an output record belongs to (decoded Decision, or the passed-through Transaction). */
  readonly transactionIdOf: (value: Buffer) => string;
  readonly onOutput: (transactionId: string, consumedAtUs: number) => void;
  readonly onError: (error: unknown) => void;
  readonly clock: Clock;
}

export interface OutputConsumer {
  close(): Promise<void>;
}

/**
 * Reads a target's output topic from the beginning and reports each record's transaction with the time its
 * batch arrived: decoding the batch happens after that timestamp, so it never counts against the target.
 */
export async function startOutputConsumer(options: OutputConsumerOptions): Promise<OutputConsumer> {
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // A fetch returns as soon as one record is there (minBytes 1), so this bounds only an idle fetch, and with it
    // how long `disconnect()` waits (5 s by default).
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        const at = options.clock.nowUs();
        for (const message of batch.messages) {
          if (message.value === null) continue;
          let id: string;
          try {
            id = options.transactionIdOf(message.value);
          } catch (error) {
            options.onError(error);
            continue;
          }
          options.onOutput(id, at);
        }
        return Promise.resolve();
      },
    });
  } catch (error) {
    await consumer.disconnect().catch(() => {});
    throw error;
  }
  let closing: Promise<void> | undefined;
  return { close: () => (closing ??= consumer.disconnect()) };
}
