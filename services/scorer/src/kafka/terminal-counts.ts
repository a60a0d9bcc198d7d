import type { MessageToProduce } from '@platformatic/kafka';
import type { GroupMember } from './group-member.ts';
import { ReadProgress, type TopicOffsets } from './read-progress.ts';
import type { TerminalAggregate } from '../core/features/terminal-aggregate.ts';
import { decodeCountRecord, encodeCountKey, encodeCountValue } from '../core/features/terminal-count-record.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

export interface TerminalCountsOptions {
  /**
   * Reads the counts topic's end offsets, so that `assigned` can wait until everything published before the
   * assignment has been read. Without it `assigned` takes the partitions over at once.
   */
  readonly offsets?: TopicOffsets;
  /** Bound on that wait; past it the partitions are taken over anyway, with a warning. Default 30 s. */
  readonly catchUpTimeoutMs?: number;
  /** Terminals looked at for cells that left the ring, per publish. Default 2048. */
  readonly expiryTerminalsPerPublish?: number;
  /** Attempts `revoked` makes to publish a partition's last changes before giving it up. Default 3. */
  readonly revokeAttempts?: number;
}

export interface TerminalCountsStats {
  /** Cells published (counts) and deleted (tombstones) by this instance. */
  published: number;
  deleted: number;
  /** Records read whose key or value could not be decoded (e.g. an older key format); they are ignored. */
  skipped: number;
  /** Publishes that failed; their cells stayed pending for the next one. */
  failedPublishes: number;
  /** Changed cells of revoked partitions that could not be published before the partitions were given up. */
  lostOnRevoke: number;
}

type Only = ((partition: number) => boolean) | undefined;

/** What publishing needs of a producer (@platformatic/kafka's `Producer` has it). */
export interface CountsProducer {
  send(options: { messages: MessageToProduce[]; acks: number }): Promise<unknown>;
}

/**
 * Terminal windows look only at days at least 7 days old, so every instance can share its per-terminal,
 * per-day transaction counts through a compacted topic and read everybody else's: the terminal features of N
 * instances then equal those of one, though each sees only its own partitions' transactions. An eventually
 * consistent global table, in the spirit of Kafka Streams'.
 *
 * A count belongs to the input partition of `transactions` its transactions came from (records in
 * `terminal-count-record.ts`), so there are as many sources as partitions, whichever instances come and go.
 * The instance that owns a partition publishes that partition's changed cells every interval and a tombstone for
 * each of its cells that leaves the ring; records of partitions owned here are not read back (memory is newer).
 * A failed publish leaves its cells pending for the next. On a move, the old owner publishes the partition's
 * pending cells (`revoked`) and the new one continues from what it has read of the topic (`assigned`).
 */
export class TerminalCountsSync {
  readonly #terminals: TerminalAggregate;
  readonly #producer: CountsProducer;
  readonly #topic: string;
  readonly #log: Logger;
  readonly #offsets: TopicOffsets | undefined;
  readonly #catchUpTimeoutMs: number;
  readonly #expirySteps: number;
  readonly #revokeAttempts: number;
  readonly #stats: TerminalCountsStats = { published: 0, deleted: 0, skipped: 0, failedPublishes: 0, lostOnRevoke: 0 };
  readonly #progress: ReadProgress;
  #timer: NodeJS.Timeout | undefined;
  #publishing: Promise<unknown> = Promise.resolve();

  constructor(
    terminals: TerminalAggregate,
    producer: CountsProducer,
    topic: string,
    log: Logger,
    options?: TerminalCountsOptions,
  ) {
    this.#terminals = terminals;
    this.#producer = producer;
    this.#topic = topic;
    this.#progress = new ReadProgress(topic);
    this.#log = log;
    this.#offsets = options?.offsets;
    this.#catchUpTimeoutMs = options?.catchUpTimeoutMs ?? 30_000;
    this.#expirySteps = options?.expiryTerminalsPerPublish ?? 2048;
    this.#revokeAttempts = options?.revokeAttempts ?? 3;
    terminals.trackExpired();
  }

  get stats(): Readonly<TerminalCountsStats> {
    return { ...this.#stats };
  }

  /**
   * Reads every partition's counts from the start of the topic, then keeps following it, through a member that
   * starts at the earliest offsets and never commits: memory starts empty at every start.
   */
  async follow(member: GroupMember, onFatal: (error: unknown) => void): Promise<void> {
    await member.run({
      assigned: (partitions) => {
        for (const p of partitions) this.#progress.restart(p);
      },
      revoking: () => Promise.resolve(),
      batch: (batch) => {
        const last = batch.records[batch.records.length - 1];
        if (last !== undefined) this.applyBatch(batch.partition, batch.records, Number(last.offset) + 1);
        return Promise.resolve();
      },
      fatal: onFatal,
    });
  }

  /** One fetched batch of the counts topic; `next` is the offset after it. Public for tests with no broker. */
  applyBatch(partition: number, messages: readonly { key: Buffer | null; value: Buffer | null }[], next: number) {
    const skippedBefore = this.#stats.skipped;
    for (const m of messages) this.#apply(m.key, m.value);
    const skipped = this.#stats.skipped - skippedBefore;
    if (skipped > 0) this.#log.warn({ skipped, partition }, 'terminal counts records ignored: malformed key or value');
    this.#progress.advance(partition, BigInt(next));
  }

  #apply(key: Buffer | null, value: Buffer | null): void {
    const record = decodeCountRecord(key, value);
    if (record === undefined) {
      this.#stats.skipped++;
      return;
    }
    const { partition, terminalId, day, count } = record;
    // Our own records (or a former owner's late ones): the counts in memory are newer.
    if (this.#terminals.isOwned(partition)) return;
    if (count === null) this.#terminals.deleteTransactions(partition, terminalId, day);
    else this.#terminals.setTransactions(partition, terminalId, day, count);
  }

  /** Resolves once the counts topic has been read up to where it ends now (rejects past the catch-up bound). */
  caughtUp(): Promise<void> {
    if (this.#offsets === undefined) return Promise.resolve();
    return this.#progress.caughtUp(this.#offsets, this.#catchUpTimeoutMs);
  }

  /** Publishes the changed counts and the deletions every `intervalMs`. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.publish(), intervalMs);
    this.#timer.unref();
  }

  /** Publishes what changed since the last publish; resolves false if the send failed (it is retried next time). */
  publish(): Promise<boolean> {
    return this.#queue(() => this.#publishOnce(undefined));
  }

  /**
   * Call when input partitions of `transactions` are assigned to this instance, and score none of their records
   * before it resolves: waits until the counts topic has been read up to where it ended at the call (so the
   * former owner's last publish is in), then owns the partitions' counts, continuing from what was read.
   */
  async assigned(partitions: readonly number[]): Promise<void> {
    const taken = partitions.filter((p) => !this.#terminals.isOwned(p));
    if (taken.length === 0) return;
    if (this.#offsets !== undefined) {
      try {
        await this.caughtUp();
      } catch (error) {
        this.#log.warn(
          { err: errorMessage(error), partitions: taken },
          'terminal counts not read to the end: taking the partitions over with what has been read',
        );
      }
    }
    for (const p of taken) this.#terminals.own(p);
  }

  /**
   * Call when input partitions are revoked, after their in-flight records have been extracted: publishes their
   * pending cells (a few attempts), then stops owning them; their counts stay, followed from the new owner.
   */
  async revoked(partitions: readonly number[]): Promise<void> {
    const leaving = new Set(partitions.filter((p) => this.#terminals.isOwned(p)));
    if (leaving.size === 0) return;
    const only = (p: number) => leaving.has(p);
    for (let attempt = 0; attempt < this.#revokeAttempts; attempt++) {
      if (await this.#queue(() => this.#publishOnce(only))) break;
    }
    const lost = this.#terminals.pendingCells(only);
    if (lost > 0) {
      this.#stats.lostOnRevoke += lost;
      this.#log.error({ cells: lost, partitions: [...leaving] }, 'terminal counts of revoked partitions not published');
    }
    for (const p of leaving) this.#terminals.release(p);
  }

  /** Stops the timer and publishes what is left. Idempotent. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.publish();
  }

  /** Publishes run one at a time, in order: a key's later count must not overtake its earlier one. */
  #queue(publish: () => Promise<boolean>): Promise<boolean> {
    const next = this.#publishing.then(publish);
    this.#publishing = next;
    return next;
  }

  async #publishOnce(only: Only): Promise<boolean> {
    const terminals = this.#terminals;
    terminals.sweepExpired(this.#expirySteps);
    const topic = this.#topic;
    const messages: MessageToProduce[] = [];
    const sources: number[] = [];
    const ids: string[] = [];
    const days: number[] = [];
    const remember = (source: number, terminalId: string, day: number) => {
      sources.push(source);
      ids.push(terminalId);
      days.push(day);
    };
    terminals.drainDirty((source, terminalId, day, count) => {
      messages.push({ topic, key: encodeCountKey(source, terminalId, day), value: encodeCountValue(count) });
      remember(source, terminalId, day);
    }, only);
    const counts = messages.length;
    terminals.drainExpired((source, terminalId, day) => {
      // No value: a tombstone.
      messages.push({ topic, key: encodeCountKey(source, terminalId, day) });
      remember(source, terminalId, day);
    }, only);
    if (messages.length === 0) return true;
    try {
      await this.#producer.send({ messages, acks: -1 });
      this.#stats.published += counts;
      this.#stats.deleted += messages.length - counts;
      return true;
    } catch (error) {
      // Pending again: the next publish sends their counts as they are by then (last write wins per key).
      for (let i = 0; i < messages.length; i++) {
        if (i < counts) terminals.markDirty(sources[i]!, ids[i]!, days[i]!);
        else terminals.reExpire(sources[i]!, ids[i]!, days[i]!);
      }
      this.#stats.failedPublishes++;
      this.#log.warn({ err: errorMessage(error), cells: messages.length }, 'terminal counts not published: retrying');
      return false;
    }
  }
}
