import { setTimeout as sleep } from 'node:timers/promises';
import { FetchIsolationLevels, type Consumer } from '@platformatic/kafka';
import { ScorerError, errorMessage } from '../errors.ts';

/** What reading a partition needs of a client (@platformatic/kafka's `Consumer` has it); no group is joined. */
export type PartitionClient = Pick<Consumer, 'metadata' | 'listOffsets' | 'fetch'>;

export interface ReadPartitionOptions {
  /** Bytes fetched per request at first (doubled when one transaction's records do not fit). Default 8 MiB. */
  readonly maxBytes?: number;
  /** How long to wait for transactions still open on the partition to end. Default 30 s. */
  readonly settleTimeoutMs?: number;
  /** How long failing requests (a broker restarting) are tried again, backing off, before the read fails. Default 60 s. */
  readonly retryForMs?: number;
}

export interface PartitionRead {
  readonly records: number;
  /** The offset the read ended at: every committed record before it was applied. */
  readonly end: bigint;
}

type FetchPartition = Awaited<ReturnType<PartitionClient['fetch']>>['responses'][number]['partitions'][number];

const IS_TRANSACTIONAL = 0b1_0000;
const IS_CONTROL = 0b10_0000;
const ABORT_MARKER = 0;

/**
 * Reads one partition from its start to its last stable offset, read_committed, and hands each record's key and
 * value to `apply` in order (the restore of a changelog). First it waits until no transaction is open on the
 * partition (last stable offset = high watermark): a crashed owner's transaction ends by the new owner's fencing
 * or by the transaction timeout, and only then is the state as of the committed offsets known.
 * Aborted records are left out by `takeCommitted`, not by the client.
 */
export async function readPartition(
  client: PartitionClient,
  topic: string,
  partition: number,
  apply: (key: Buffer | null, value: Buffer | null) => void,
  options: ReadPartitionOptions = {},
): Promise<PartitionRead> {
  const retry = retrying(options.retryForMs ?? 60_000, `${topic}[${partition}]`);
  const end = await retry(() => settledEnd(client, topic, partition, options.settleTimeoutMs ?? 30_000));
  let maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  let position = 0n;
  let records = 0;
  while (position < end) {
    const metadata = await retry(() => client.metadata({ topics: [topic] }));
    const meta = metadata.topics.get(topic);
    const leader = meta?.partitions[partition]?.leader;
    if (meta === undefined || leader === undefined || leader < 0) {
      await sleep(100);
      continue;
    }
    const response = await retry(() =>
      client.fetch({
        node: leader,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes,
        topics: [
          {
            topicId: meta.id,
            partitions: [
              {
                partition,
                fetchOffset: position,
                partitionMaxBytes: maxBytes,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              },
            ],
          },
        ],
      }),
    );
    const data = response.responses
      .find((t) => t.topicId === meta.id)
      ?.partitions.find((p) => p.partitionIndex === partition);
    if (data === undefined || (data.records?.length ?? 0) === 0) {
      // The log start moved past `position` (compaction deletes nothing at the start, retention may): go on there.
      const start = data?.logStartOffset ?? 0n;
      if (start > position) position = start;
      else await sleep(50);
      continue;
    }
    const taken = takeCommitted(data, position, end, (record) => {
      apply(record.key, record.value);
      records++;
    });
    if (taken === position) {
      // One aborted transaction (or one batch) larger than the response: ask for more.
      maxBytes *= 2;
      if (maxBytes > 512 * 1024 * 1024)
        throw new ScorerError('RESTORE_FAILED', `${topic}[${partition}]: a batch at ${position} is too large to read`);
      continue;
    }
    position = taken;
  }
  return { records, end };
}

/**
 * Runs a request, trying it again while it fails (backing off from 100 ms to 2 s) for up to `forMs` in all; a
 * restore's own errors (`RESTORE_FAILED`) are not retried.
 */
function retrying(forMs: number, what: string) {
  const until = Date.now() + forMs;
  return async <T>(request: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if ((error as { code?: unknown }).code === 'RESTORE_FAILED' || Date.now() > until) {
          throw error instanceof ScorerError
            ? error
            : new ScorerError('RESTORE_FAILED', `${what}: ${errorMessage(error)}`, false, { cause: error });
        }
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  };
}

/** One fetched record with its offset and timestamp. */
export interface FetchedRecord {
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly (readonly [Buffer | null, Buffer | null])[];
}

/**
 * Hands the committed data records of one partition's fetch response from `position` to `visit`, in order, up
 * to `end` (exclusive), and returns the offset to fetch next, which counts control batches too (a transactional
 * partition ends with a marker, not with a data record).
 *
 * Aborted transactions are left out here, as Kafka's Java consumer does it: the response lists each aborted
 * transaction by producer id and first offset; from that offset on, that producer's transactional batches are
 * skipped until its abort marker. The client's own filter (@platformatic/kafka 2.12.1) keeps one aborted range
 * per producer id and lets every range through whose marker is not in the response, so it passes on aborted
 * records whenever one producer aborted twice within a response (a transactional id keeps its producer id
 * across epochs: every abort of an instance, and every restart, is the same producer) or a response ends inside
 * an aborted transaction.
 */
export function takeCommitted(
  data: FetchPartition,
  position: bigint,
  end: bigint,
  visit: (record: FetchedRecord) => void,
): bigint {
  const aborted = [...(data.abortedTransactions ?? [])].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
  );
  const abortedProducers = new Set<bigint>();
  let nextAborted = 0;
  let next = position;
  for (const batch of data.records ?? []) {
    if (batch.firstOffset >= end) break;
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (nextAborted < aborted.length && aborted[nextAborted]!.firstOffset <= last)
      abortedProducers.add(aborted[nextAborted++]!.producerId);
    if ((batch.attributes & IS_CONTROL) !== 0) {
      if (batch.records[0]?.key?.readInt16BE(2) === ABORT_MARKER) abortedProducers.delete(batch.producerId);
    } else if ((batch.attributes & IS_TRANSACTIONAL) === 0 || !abortedProducers.has(batch.producerId)) {
      for (const record of batch.records) {
        const offset = batch.firstOffset + BigInt(record.offsetDelta);
        if (offset < position || offset >= end) continue;
        visit({
          offset,
          timestamp: batch.firstTimestamp + record.timestampDelta,
          key: record.key,
          value: record.value,
          headers: record.headers,
        });
      }
    }
    const after = last + 1n;
    if (after > next) next = after < end ? after : end;
  }
  return next;
}

/** The partition's end once no transaction is open on it: the last stable offset equals the high watermark. */
async function settledEnd(client: PartitionClient, topic: string, partition: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  const partitions = { [topic]: [partition] };
  for (;;) {
    const [stable, high] = await Promise.all([
      client.listOffsets({ topics: [topic], partitions, isolationLevel: FetchIsolationLevels.READ_COMMITTED }),
      client.listOffsets({ topics: [topic], partitions, isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED }),
    ]);
    const lso = stable.get(topic)?.[partition] ?? 0n;
    const hw = high.get(topic)?.[partition] ?? 0n;
    if (lso >= hw) return lso;
    if (Date.now() > until)
      throw new ScorerError(
        'RESTORE_FAILED',
        `${topic}[${partition}]: a transaction is still open after ${timeoutMs} ms (last stable offset ${lso} < ${hw})`,
      );
    await sleep(100);
  }
}
