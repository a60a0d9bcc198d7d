import { setTimeout as sleep } from 'node:timers/promises';
import type { OutRecord } from '../../../services/scorer/src/core/scoring/records.ts';
import type { CommitOutcome, GroupMember, PartitionBatch } from '../../../services/scorer/src/kafka/group-member.ts';
import type { KafkaSink } from '../../../services/scorer/src/kafka/sink.ts';

export interface PassThroughOptions {
  readonly output: string;
  /** Records per sink call: the scorer's chunk size (the sink coalesces them into its requests either way). */
  readonly chunkSize: number;
  /** At a rebalance or a stop, how long the batches in hand may take to be acknowledged and committed. */
  readonly settleWaitMs: number;
  /** The member joined (again) and owns these partitions. */
  readonly onAssigned: (partitions: readonly number[]) => void;
  /** A send that failed after the client's retries, or an error the member cannot recover from. */
  readonly onFatal: (error: unknown) => void;
  readonly onCommit: (partition: number, outcome: CommitOutcome) => void;
}

/**
 * The scorer's consumer → producer path with the scoring taken out, on the scorer's own Kafka edge: its group
 * member (fetching, rebalances, backpressure) and its sink (acks = all, one request in flight per topic,
 * coalescing). Each batch (one partition of one fetch) is forwarded as it came, key, value and headers, in the
 * scorer's chunks; once every chunk is acknowledged the batch's offsets are committed, and only then does the
 * batch end. No decode, no features, no model: what the scorer costs on top of this is what scoring costs.
 *
 * At-least-once, as the scorer: nothing is committed before it is acknowledged; a batch that arrives during a
 * rebalance is left for the partition's next owner, and a failed send stops the process without a commit.
 */
export class PassThrough {
  readonly #member: GroupMember;
  readonly #sink: Pick<KafkaSink, 'send'>;
  readonly #options: PassThroughOptions;
  readonly #inFlight = new Set<Promise<void>>();
  /** False before the first join, while a rebalance is under way and from a stop on: no batch starts. */
  #accepting = false;
  #failed = false;
  #closing: Promise<void> | undefined;

  constructor(member: GroupMember, sink: Pick<KafkaSink, 'send'>, options: PassThroughOptions) {
    this.#member = member;
    this.#sink = sink;
    this.#options = options;
  }

  start(): Promise<void> {
    return this.#member.run({
      assigned: (partitions) => {
        this.#accepting = this.#closing === undefined && !this.#failed;
        this.#options.onAssigned(partitions);
      },
      revoking: () => this.#settle(),
      batch: (batch) => this.#track(this.#forward(batch)),
      fatal: (error) => this.#fatal(error),
    });
  }

  /** Stops fetching, lets the batches in hand be acknowledged and committed (bounded), leaves the group. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#member.pause();
      await this.#settle();
      await this.#member.close();
    })();
    return this.#closing;
  }

  async #forward(batch: PartitionBatch): Promise<void> {
    const { partition, records } = batch;
    if (!this.#accepting || records.length === 0) return;
    const { output, chunkSize } = this.#options;
    const sends: Promise<void>[] = [];
    for (let start = 0; start < records.length; start += chunkSize) {
      const end = Math.min(records.length, start + chunkSize);
      const chunk = new Array<OutRecord>(end - start);
      for (let i = start; i < end; i++) {
        const r = records[i]!;
        // The input partition goes along, as the scorer's decisions carry theirs: where the sink knows the output
        // to be co-partitioned, it keeps the number instead of hashing the key.
        chunk[i - start] = { topic: output, key: r.key, value: r.value, headers: r.headers, partition };
      }
      sends.push(this.#sink.send(chunk));
    }
    try {
      await Promise.all(sends);
    } catch (error) {
      this.#fatal(error);
      return;
    }
    // After a failed send nothing more is committed: a later offset would skip the failed records.
    if (this.#failed) return;
    const next = BigInt(records[records.length - 1]!.offset) + 1n;
    this.#options.onCommit(partition, await this.#member.commit([[partition, next]]));
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }

  /** No new batch; the ones in hand finish (acknowledged, committed) within the bound. */
  async #settle(): Promise<void> {
    this.#accepting = false;
    if (this.#inFlight.size === 0) return;
    const bound = new AbortController();
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      sleep(this.#options.settleWaitMs, undefined, { signal: bound.signal }).catch(() => {}),
    ]);
    bound.abort();
  }

  #fatal(error: unknown): void {
    this.#accepting = false;
    if (this.#failed) return;
    this.#failed = true;
    this.#options.onFatal(error);
  }
}
