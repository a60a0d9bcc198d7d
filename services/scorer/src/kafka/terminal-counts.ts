import { readPartition, type PartitionClient } from './partition-reader.ts';
import type { TerminalAggregate } from '../core/features/terminal-aggregate.ts';
import { decodeCountRecord, encodeCountKey, encodeCountValue } from '../core/features/terminal-count-record.ts';
import type { OutRecord, RecordHeaders } from '../core/scoring/records.ts';
import type { Logger } from '../observability/logger.ts';

export interface TerminalCountsOptions {
  /** Partitions of the counts topic: input partition p's records go to partition p mod this. */
  readonly partitions: number;
  /** Terminals looked at for cells that left the ring, per `sweep`. Default 2048. */
  readonly expiryTerminalsPerSweep?: number;
}

export interface TerminalCountsStats {
  /** Cells published (counts) and deleted (tombstones) by this instance. */
  published: number;
  deleted: number;
  /** Records read whose key or value could not be decoded (e.g. an older key format); they are ignored. */
  skipped: number;
  /** Records read back into partitions this instance took over. */
  restored: number;
}

const NO_HEADERS: RecordHeaders = Object.freeze([]);

/**
 * Terminal windows look only at days at least 7 days old, so every instance can share its per-terminal,
 * per-day transaction counts through a compacted topic and read everybody else's: the terminal features of N
 * instances then equal those of one, though each sees only its own partitions' transactions. A global table,
 * in the spirit of Kafka Streams'.
 *
 * A count belongs to the input partition its transactions came from (records in `terminal-count-record.ts`),
 * and input partition p's records live in partition p (mod the topic's partitions) of the counts topic. The
 * instance that owns an input partition sends that partition's changed cells with the decisions of the chunk
 * that changed them (`recordsFor`: in the same transaction, under exactly-once delivery, so the topic holds
 * exactly the counts of the committed input), and a tombstone for each cell that leaves the ring. Every instance
 * follows the whole topic for the partitions it does not own. An instance taking a partition over restores its
 * counts from its partition of the topic (`restore`), so its count goes on from the committed input.
 */
export class TerminalCountsSync {
  readonly #terminals: TerminalAggregate;
  readonly #topic: string;
  readonly #log: Logger;
  readonly #options: TerminalCountsOptions;
  readonly #stats: TerminalCountsStats = { published: 0, deleted: 0, skipped: 0, restored: 0 };

  constructor(terminals: TerminalAggregate, topic: string, log: Logger, options: TerminalCountsOptions) {
    if (!(Number.isInteger(options.partitions) && options.partitions >= 1))
      throw new RangeError(`the counts topic needs at least one partition, got ${options.partitions}`);
    this.#terminals = terminals;
    this.#topic = topic;
    this.#log = log;
    this.#options = options;
    terminals.trackExpired();
  }

  get stats(): Readonly<TerminalCountsStats> {
    return { ...this.#stats };
  }

  /**
   * Records of the counts topic as they are read (every instance follows the whole topic): those of input
   * partitions owned here are skipped, the counts in memory are newer.
   */
  applyBatch(partition: number, messages: readonly { key: Buffer | null; value: Buffer | null }[]): void {
    const skippedBefore = this.#stats.skipped;
    for (const m of messages) this.#apply(m.key, m.value, undefined);
    const skipped = this.#stats.skipped - skippedBefore;
    if (skipped > 0) this.#log.warn({ skipped, partition }, 'terminal counts records ignored: malformed key or value');
  }

  /** Applies one record; `only`: the input partition being restored (its records alone count, owned or not). */
  #apply(key: Buffer | null, value: Buffer | null, only: number | undefined): boolean {
    const record = decodeCountRecord(key, value);
    if (record === undefined) {
      this.#stats.skipped++;
      return false;
    }
    const { partition, terminalId, day, count } = record;
    if (only === undefined ? this.#terminals.isOwned(partition) : partition !== only) return false;
    if (count === null) this.#terminals.deleteTransactions(partition, terminalId, day);
    else this.#terminals.setTransactions(partition, terminalId, day, count);
    return true;
  }

  /**
   * Takes input partition `partition` over: forgets what is held of its counts, reads them again from its
   * partition of the topic (committed records only, once no transaction is open there), and owns them.
   */
  async restore(partition: number, client: PartitionClient): Promise<number> {
    const terminals = this.#terminals;
    terminals.clearOwner(partition);
    let cells = 0;
    await readPartition(client, this.#topic, partition % this.#options.partitions, (key, value) => {
      if (this.#apply(key, value, partition)) cells++;
    });
    terminals.own(partition);
    this.#stats.restored += cells;
    return cells;
  }

  /** Input partitions given up: their counts stay, followed from their next owner. */
  revoked(partitions: readonly number[]): void {
    for (const p of partitions) this.#terminals.release(p);
  }

  /** Retires a few terminals' cells that left the ring; their tombstones go with their partitions' next chunks. */
  sweep(): void {
    this.#terminals.sweepExpired(this.#options.expiryTerminalsPerSweep ?? 2048);
  }

  /** The records of `partition`'s cells changed (counts) or retired (tombstones) since the last call. */
  recordsFor(partition: number): OutRecord[] {
    const out: OutRecord[] = [];
    const topic = this.#topic;
    const to = partition % this.#options.partitions;
    const only = (source: number) => source === partition;
    this.#terminals.drainDirty((source, terminalId, day, count) => {
      out.push({
        topic,
        key: encodeCountKey(source, terminalId, day),
        value: encodeCountValue(count),
        headers: NO_HEADERS,
        partition: to,
      });
    }, only);
    const counts = out.length;
    this.#terminals.drainExpired((source, terminalId, day) => {
      out.push({
        topic,
        key: encodeCountKey(source, terminalId, day),
        value: null,
        headers: NO_HEADERS,
        partition: to,
      });
    }, only);
    this.#stats.published += counts;
    this.#stats.deleted += out.length - counts;
    return out;
  }
}
