import { setTimeout as sleep } from 'node:timers/promises';
import { FetchIsolationLevels } from '@platformatic/kafka';
import type { InRecord } from '../core/scoring/records.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { innermostMessage } from './kafka-errors.ts';
import { fromKafkaHeaders } from './kafka-headers.ts';
import { takeCommitted, type PartitionClient } from './partition-reader.ts';

export interface TopicFollowerOptions {
  /** The fetch long poll once caught up: a stop waits for it. Default 500 ms. */
  readonly maxWaitMs?: number;
  /** Bytes per partition and fetch. Default 4 MiB. */
  readonly maxBytesPerPartition?: number;
}

/**
 * Reads every partition of a topic from its start and keeps following it, by assignment: no consumer group, so
 * nothing is committed, nothing a restart could skip, and no group is left behind on the broker. Committed
 * records only (read_committed, with the client's gap about aborted transactions closed by `takeCommitted`).
 * `caughtUp` resolves once every partition has been read to where it ended when asked.
 */
export class TopicFollower {
  readonly #client: PartitionClient;
  readonly #topic: string;
  readonly #apply: (partition: number, records: readonly InRecord[]) => Promise<void> | void;
  readonly #log: Logger;
  readonly #options: TopicFollowerOptions;
  /** Next offset to fetch, per partition (control markers counted). */
  readonly #positions: bigint[] = [];
  /** Per partition, how many times the usual bytes it is fetched with (raised when one transaction is larger). */
  readonly #room: number[] = [];
  readonly #waiters = new Set<{ targets: readonly bigint[]; done: () => void }>();
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    client: PartitionClient,
    topic: string,
    apply: (partition: number, records: readonly InRecord[]) => Promise<void> | void,
    log: Logger,
    options: TopicFollowerOptions = {},
  ) {
    this.#client = client;
    this.#topic = topic;
    this.#apply = apply;
    this.#log = log;
    this.#options = options;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Resolves once every partition is read up to its end as of now; rejects after `timeoutMs`. */
  async caughtUp(timeoutMs: number): Promise<void> {
    const topic = this.#topic;
    const ends = await this.#client.listOffsets({
      topics: [topic],
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    });
    const targets = ends.get(topic) ?? [];
    if (this.#reached(targets)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        targets,
        done: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${topic} not read to its end after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  #reached(targets: readonly bigint[]): boolean {
    for (let p = 0; p < targets.length; p++) if ((this.#positions[p] ?? 0n) < targets[p]!) return false;
    return true;
  }

  async #loop(): Promise<void> {
    const topic = this.#topic;
    const maxBytes = this.#options.maxBytesPerPartition ?? 4 * 1024 * 1024;
    let failures = 0;
    while (!this.#stopped) {
      try {
        const metadata = await this.#client.metadata({ topics: [topic] });
        const meta = metadata.topics.get(topic);
        if (meta === undefined) throw new Error(`no metadata for ${topic}`);
        const byLeader = new Map<number, number[]>();
        for (let p = 0; p < meta.partitionsCount; p++) {
          this.#positions[p] ??= 0n;
          const leader = meta.partitions[p]?.leader ?? -1;
          if (leader < 0) continue;
          let list = byLeader.get(leader);
          if (list === undefined) byLeader.set(leader, (list = []));
          list.push(p);
        }
        await Promise.all(
          [...byLeader].map(async ([node, partitions]) => {
            const response = await this.#client.fetch({
              node,
              isolationLevel: FetchIsolationLevels.READ_COMMITTED,
              maxWaitTime: this.#options.maxWaitMs ?? 500,
              minBytes: 1,
              maxBytes: partitions.reduce((sum, p) => sum + maxBytes * (this.#room[p] ?? 1), 0),
              topics: [
                {
                  topicId: meta.id,
                  partitions: partitions.map((partition) => ({
                    partition,
                    fetchOffset: this.#positions[partition]!,
                    partitionMaxBytes: maxBytes * (this.#room[partition] ?? 1),
                    currentLeaderEpoch: -1,
                    lastFetchedEpoch: -1,
                  })),
                },
              ],
            });
            // Only this topic's partitions: a response may hold others of the consumer's fetch session.
            for (const data of response.responses.find((t) => t.topicId === meta.id)?.partitions ?? []) {
              const p = data.partitionIndex;
              const position = this.#positions[p] ?? 0n;
              if ((data.records?.length ?? 0) === 0) {
                if (data.logStartOffset > position) this.#positions[p] = data.logStartOffset;
                continue;
              }
              const records: InRecord[] = [];
              const end = data.lastStableOffset >= 0n ? data.lastStableOffset : data.highWatermark;
              const next = takeCommitted(data, position, end, (r) => {
                records.push({
                  topic,
                  partition: p,
                  offset: r.offset.toString(),
                  timestamp: Number(r.timestamp),
                  key: r.key,
                  value: r.value,
                  headers: fromKafkaHeaders(r.headers),
                });
              });
              if (records.length > 0) await this.#apply(p, records);
              // An aborted transaction larger than the response, its marker beyond it: fetch with more room.
              this.#room[p] = next === position ? Math.min(128, (this.#room[p] ?? 1) * 2) : 1;
              this.#positions[p] = next;
            }
          }),
        );
        failures = 0;
        for (const waiter of this.#waiters) if (this.#reached(waiter.targets)) waiter.done();
      } catch (error) {
        if (this.#stopped) return;
        // A restarted broker, a leader that moved: the same positions again, backing off.
        const delay = Math.min(5000, 100 * 2 ** failures++);
        this.#log.warn(
          { topic, err: errorMessage(error), cause: innermostMessage(error), retryInMs: delay },
          'reading failed: trying again',
        );
        await sleep(delay);
      }
    }
  }
}
