import { Consumer, FetchIsolationLevels, type Message } from '@platformatic/kafka';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';

export interface TopicReaderOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly clientId: string;
  /** Each record, in the order of its partition; the records of one fetch come in one synchronous run. */
  readonly onMessage: (message: Message) => void;
  /** The client gave up (the stream ends): what the reader has not read by then counts as missing. */
  readonly onError: (error: unknown) => void;
}

export interface TopicReader {
  /** Idempotent. */
  close(): Promise<void>;
}

/**
 * Reads one topic from its beginning as the only member of a group of its own. Offsets are committed every
 * second, so a rejoin (a coordinator that moved) resumes near where it was instead of reading everything again.
 */
export async function startTopicReader(options: TopicReaderOptions): Promise<TopicReader> {
  const consumer = new Consumer({
    ...baseClientOptions(options.brokers, options.clientId),
    groupId: options.groupId,
    // Said, though it is the client's default: a collector must never count a decision of an aborted transaction.
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    // A fetch returns as soon as one record is there (minBytes 1): this bounds an idle fetch, and with it a close.
    maxWaitTime: 500,
    sessionTimeout: 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 2_000,
  });
  // Without a listener an 'error' event would throw; the client emits one when a rejoin failed for good.
  consumer.on('error', (error: Error) => options.onError(error));
  let stream;
  try {
    stream = await consumer.consume({
      topics: [options.topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: 1_000,
    });
  } catch (error) {
    await consumer.close(true).catch(() => {});
    throw error;
  }
  stream.on('data', options.onMessage);
  stream.on('error', (error: Error) => options.onError(error));
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        await stream.close().catch(() => {});
        await consumer.close(true);
      })()),
  };
}
