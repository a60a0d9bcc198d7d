import { Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import { readPartition } from '../../../services/scorer/src/kafka/partition-reader.ts';
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

/** One committed record as read. */
export interface ReadRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
}

/**
 * Reads `topic` from its start up to where it ends now, as a `read_committed` consumer sees it: the records of
 * committed transactions (and non-transactional ones), never those of aborted or open transactions. The end is
 * each partition's last stable offset at the start of the read. No consumer group.
 *
 * Read with the scorer's partition reader, not the client's consume stream: @platformatic/kafka 2.12.1 hands on
 * the records of an aborted transaction whose abort marker falls beyond the fetch response (it filters an aborted
 * range only when the response holds its end), which made re-decided aborted decisions look like duplicates.
 * The reader stops short of such a range and fetches it again (`takeCommitted`).
 */
export async function readTopicWhole(
  brokers: readonly string[],
  topic: string,
  groupId: string,
  onMessage: (record: ReadRecord) => void,
  timeoutMs = 120_000,
): Promise<WholeTopicRead> {
  const consumer = new Consumer({ ...baseClientOptions(brokers, 'lt-whole-reader'), groupId });
  try {
    const [stable, high] = await Promise.all([
      consumer.listOffsets({ topics: [topic], isolationLevel: FetchIsolationLevels.READ_COMMITTED }),
      consumer.listOffsets({ topics: [topic], isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED }),
    ]);
    const ends = stable.get(topic) ?? [];
    const highs = high.get(topic) ?? [];
    const unstable = highs.reduce((sum, h, p) => sum + Number(h - (ends[p] ?? h)), 0);
    let records = 0;
    const reading = Promise.all(
      ends.map((_, partition) =>
        readPartition(
          consumer,
          topic,
          partition,
          (key, value) => {
            if (value === null) return;
            records++;
            onMessage({ partition, key, value });
          },
          { settleTimeoutMs: timeoutMs },
        ),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BenchError('DRAIN_TIMEOUT', `${topic}: not read to its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([reading, timeout]);
    } catch (error) {
      if (error instanceof BenchError) throw error;
      throw new BenchError('READ_FAILED', `reading ${topic} failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    return { records, unstable };
  } finally {
    await consumer.close(true).catch(() => {});
  }
}
