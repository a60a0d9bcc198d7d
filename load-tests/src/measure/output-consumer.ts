import type { Message } from '@platformatic/kafka';
import type { Clock } from '../clock.ts';
import { startTopicReader } from '../kafka/topic-reader.ts';

export interface OutputConsumerOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** The transaction id an output record belongs to (decoded Decision, or the passed-through Transaction). */
  readonly transactionIdOf: (value: Buffer) => string;
  /** `producedAtMs`: the output record's Kafka timestamp, set by the target's producer when it sent it. */
  readonly onOutput: (transactionId: string, consumedAtUs: number, producedAtMs: number) => void;
  /** An output record that does not decode. */
  readonly onError: (error: unknown) => void;
  /** The reading client failed: what it has not read yet will count as missing. */
  readonly onClientError: (error: unknown) => void;
  readonly clock: Clock;
}

export interface OutputConsumer {
  close(): Promise<void>;
}

/**
 * Reads a target's output topic from the beginning and reports each record's transaction with the time its
 * fetch arrived: the records of one fetch are handed over in one synchronous run, so the time is taken at the
 * first of them and decoding them all happens after it, never counting against the target.
 */
export async function startOutputConsumer(options: OutputConsumerOptions): Promise<OutputConsumer> {
  let fetchedAtUs: number | undefined;
  const onMessage = (message: Message): void => {
    if (fetchedAtUs === undefined) {
      fetchedAtUs = options.clock.nowUs();
      queueMicrotask(() => (fetchedAtUs = undefined));
    }
    const value = message.value as Buffer | null | undefined;
    // A tombstone: nothing the targets write, and nothing to count.
    if (!value) return;
    let id: string;
    try {
      id = options.transactionIdOf(value);
    } catch (error) {
      options.onError(error);
      return;
    }
    options.onOutput(id, fetchedAtUs, Number(message.timestamp));
  };
  return startTopicReader({
    brokers: options.brokers,
    topic: options.topic,
    groupId: options.groupId,
    clientId: 'lt-output',
    onMessage,
    onError: options.onClientError,
  });
}
