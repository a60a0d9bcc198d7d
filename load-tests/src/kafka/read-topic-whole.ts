import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, FetchIsolationLevels, type Message } from '@platformatic/kafka';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';
import { BenchError, errorMessage } from '../errors.ts';

export interface WholeTopicRead {
  /** Records handed to `onMessage`: committed ones only (aborted transactions and markers left out). */
  readonly records: number;
  /**
   * Offsets between the last stable offset and the high watermark, over all partitions, when the read began: a
   * transaction still open (neither committed nor aborted) holds back everything behind it from a committed read.
   */
  readonly unstable: number;
}

/**
 * Reads `topic` from its start up to where it ends now, as a `read_committed` consumer sees it: the records of
 * committed transactions (and non-transactional ones), never those of aborted or open transactions. The end is
 * each partition's last stable offset at the start of the read; the client's own fetch position (which moves
 * past control markers and aborted batches too) says when it is reached. A group of its own that never commits.
 */
export async function readTopicWhole(
  brokers: readonly string[],
  topic: string,
  groupId: string,
  onMessage: (message: Message) => void,
  timeoutMs = 120_000,
): Promise<WholeTopicRead> {
  const consumer = new Consumer({
    ...baseClientOptions(brokers, 'lt-whole-reader'),
    groupId,
    // Explicit, though it is the client's default: the count must never include an aborted decision.
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    maxWaitTime: 200,
  });
  try {
    const [stable, high, start] = await Promise.all([
      consumer.listOffsets({ topics: [topic], isolationLevel: FetchIsolationLevels.READ_COMMITTED }),
      consumer.listOffsets({ topics: [topic], isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED }),
      consumer.listOffsets({ topics: [topic], timestamp: -2n }),
    ]);
    const ends = stable.get(topic) ?? [];
    const starts = start.get(topic) ?? [];
    const highs = high.get(topic) ?? [];
    const unstable = highs.reduce((sum, h, p) => sum + Number(h - (ends[p] ?? h)), 0);
    const pending = ends.map((end, p) => (end > (starts[p] ?? 0n) ? p : -1)).filter((p) => p >= 0);
    if (pending.length === 0) return { records: 0, unstable };

    let records = 0;
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    let failure: unknown;
    stream.on('error', (error: Error) => (failure ??= error));
    stream.on('data', (message: Message) => {
      records++;
      onMessage(message);
    });
    // The position moves when a fetch is parsed; its records may still wait in the stream's buffer.
    const reached = () =>
      stream.readableLength === 0 &&
      pending.every((p) => (stream.offsetsToFetch.get(`${topic}:${p}`) ?? -1n) >= (ends[p] ?? 0n));
    const deadline = Date.now() + timeoutMs;
    while (!reached() && failure === undefined && Date.now() < deadline) await sleep(50);
    await stream.close().catch(() => {});
    if (failure !== undefined) {
      throw new BenchError('READ_FAILED', `reading ${topic} failed: ${errorMessage(failure)}`, { cause: failure });
    }
    if (!reached()) {
      throw new BenchError('DRAIN_TIMEOUT', `${topic}: not read to its end within ${timeoutMs} ms (${records} read)`);
    }
    return { records, unstable };
  } finally {
    await consumer.close(true).catch(() => {});
  }
}
