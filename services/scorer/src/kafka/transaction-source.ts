import type { ScoringPipeline } from '../core/scoring/pipeline.ts';
import type { OutRecord, Outcome } from '../core/scoring/records.ts';
import type { Logger } from '../observability/logger.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { BatchControl, GroupMember, PartitionBatch } from './group-member.ts';
import { errorIds } from './kafka-errors.ts';
import { OffsetLedger } from './offset-ledger.ts';
import type { KafkaSink } from './sink.ts';
import type { TransactionWindow } from './transaction-window.ts';

/** State that lives with the input partitions: restored when a partition arrives, dropped when it leaves. */
export interface PartitionState {
  /** Records to send with a chunk of `partition` that was just decided (the changelog of what it changed). */
  recordsAfterChunk(partition: number): readonly OutRecord[];
  /** Partitions newly owned: put their state in place; none of their records is scored before it resolves. */
  restore(partitions: readonly number[]): Promise<void>;
  /** Partitions no longer owned (or about to be restored again): forget their state. */
  drop(partitions: readonly number[]): void;
}

export interface SourceOptions {
  readonly topic: string;
  /** Records handed to the pipeline at a time: bounds the latency one large fetch adds to its last record. */
  readonly chunkSize: number;
  /** How often acknowledged offsets are committed. */
  readonly commitIntervalMs: number;
  /** Chunks sent but not yet acknowledged, at most; past it, fetching waits (backpressure). */
  readonly maxUnackedChunks: number;
  /** At a rebalance, how long to wait for sent decisions to be acknowledged before committing and letting go. */
  readonly revokeWaitMs: number;
  readonly nowMs: () => number;
  /** A failure that must stop the scorer (its records are not committed, so they will be decided again). */
  readonly onFatal: (error: unknown) => void;
  /** State that follows the partitions (card state, terminal counts). */
  readonly state?: PartitionState;
  /**
   * Exactly-once: each chunk's records and offset go into this window's transactions instead of the sink and
   * the offset commits; its `onAborted` must call `aborted`.
   */
  readonly transactions?: TransactionWindow;
}

/**
 * The consumer-group member on `transactions`: per partition, in order, decide a chunk and hand its outcomes on.
 *
 * At-least-once (no `transactions` window): the outcomes and the partition state's changelog records go to the
 * sink, and the fetch goes on without waiting for the broker's acknowledgement; an offset becomes committable
 * once the records before it are acknowledged (the offset ledger), and is committed every `commitIntervalMs`,
 * at each rebalance before the partitions are given up, and on close. What was decided after the last commit
 * is decided again by the next owner.
 *
 * Exactly-once (a `transactions` window): each chunk's records and the offset after it join the open window,
 * which commits them in one Kafka transaction; nothing is committed any other way. An aborted transaction
 * (`aborted`) puts every owned partition back: the chunks in hand are dropped, the state is restored from the
 * changelog, and fetching starts again from the committed offsets.
 *
 * State that follows partitions (`state`) is restored for each partition gained, before its first record is
 * scored, and dropped for each one lost. Under exactly-once the fetch of a newly gained partition starts again
 * once its restore is done, so its committed offset is read after every transaction open on it has ended.
 *
 * Membership changes are normal life: a rebalance stops new chunks, lets the sent ones be acknowledged or
 * committed (up to `revokeWaitMs`), commits them under the generation that owns them, and the member rejoins.
 * Only a send that failed after the client's retries, or an error the member cannot recover from, stops the
 * scorer.
 */
export class TransactionSource {
  readonly #member: GroupMember;
  readonly #pipeline: Pick<ScoringPipeline, 'process'>;
  readonly #sink: Pick<KafkaSink, 'send'>;
  readonly #metrics: ScorerMetrics;
  readonly #log: Logger;
  readonly #options: SourceOptions;
  readonly #ledger = new OffsetLedger();
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> = Promise.resolve();
  #revokingDone: Promise<void> = Promise.resolve();
  /** Resolves once the current assignment's state is in place (the revocation before it finished, too). */
  #assignmentReady: Promise<void> = Promise.resolve();
  #restoring = false;
  /** The state in memory may be ahead of the committed offsets (an abort during a rebalance): restore it all. */
  #stateSuspect = false;
  /** Chunks of generations before this one are covered by a restore scheduled after them. */
  #resetFrom = 0;
  #closing: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Per partition, the acknowledgement of its latest chunk (which implies all earlier ones). */
  readonly #tails = new Map<number, Promise<void>>();
  /** Sends awaiting the broker's acknowledgement (or their transaction's commit). */
  readonly #unacked = new Set<Promise<void>>();
  /** After a failed send nothing more is committed: later acknowledged offsets would skip the failed records. */
  #sendFailed = false;

  constructor(
    member: GroupMember,
    pipeline: Pick<ScoringPipeline, 'process'>,
    sink: Pick<KafkaSink, 'send'>,
    metrics: ScorerMetrics,
    log: Logger,
    options: SourceOptions,
  ) {
    this.#member = member;
    this.#pipeline = pipeline;
    this.#sink = sink;
    this.#metrics = metrics;
    this.#log = log;
    this.#options = options;
  }

  /** The partitions owned now (empty while joining or rebalancing). */
  get assigned(): readonly number[] {
    return this.#ledger.revoking ? [] : [...this.#ledger.owned];
  }

  /** True while the state of partitions just gained (or put back after an abort) is being restored. */
  get restoring(): boolean {
    return this.#restoring;
  }

  async start(): Promise<void> {
    await this.#member.run({
      assigned: (partitions, uninterrupted) => this.#assigned(partitions, uninterrupted),
      revoking: () => this.#revoking(),
      batch: (batch, control) => this.#track(this.#handleBatch(batch, control)),
      fatal: (error) => this.#options.onFatal(error),
    });
    if (this.#options.transactions === undefined) {
      this.#timer = setInterval(() => void this.commit(), this.#options.commitIntervalMs);
      this.#timer.unref();
    }
  }

  /**
   * Commits what is acknowledged and not committed yet (at-least-once), or the open transaction window
   * (exactly-once); one commit at a time. Never rejects.
   */
  commit(): Promise<void> {
    const window = this.#options.transactions;
    if (window !== undefined) return window.flush();
    this.#committing = this.#committing
      .then(() => this.#commitTaken())
      .catch((error: unknown) => {
        this.#log.warn({ err: String(error) }, 'offset commit failed');
      });
    return this.#committing;
  }

  async #commitTaken(): Promise<void> {
    if (this.#sendFailed) return;
    const taken = this.#ledger.take();
    if (taken.offsets.length === 0) return;
    const result = await this.#member.commit(taken.offsets);
    this.#metrics.commit(result);
    if (result === 'failed') {
      this.#ledger.putBack(taken);
      this.#log.warn({ partitions: taken.offsets.length }, 'offset commit failed: retrying at the next commit');
    } else if (result === 'stale') {
      // The group moved on: the partitions' next owners decide those records again (at-least-once).
      this.#log.info({ partitions: taken.offsets.length }, 'offset commit refused by the rebalance');
    }
  }

  /**
   * Exactly-once: a transaction was aborted. Every chunk in hand is dropped; the owned partitions' state is
   * restored from the changelog and fetching starts again from the committed offsets. During a rebalance the
   * next assignment does that instead.
   */
  aborted(error: unknown): void {
    this.#metrics.commit('failed');
    const owned = [...this.#ledger.owned];
    this.#log.warn(
      { err: String(error), ids: errorIds(error), partitions: owned },
      'transaction aborted: restoring state, fetching again',
    );
    if (this.#closing !== undefined) return;
    if (this.#ledger.revoking) {
      this.#stateSuspect = true;
      return;
    }
    // A new generation of work: chunks in hand are not added to any window.
    this.#resetAll();
  }

  /**
   * Exactly-once: a chunk of `generation` changed the state and was then dropped. Unless a restore scheduled since
   * covers it, the state is ahead of the committed offsets and must be put back.
   */
  #outlived(generation: number): void {
    if (this.#options.transactions === undefined || generation < this.#resetFrom) return;
    if (this.#ledger.revoking) {
      this.#stateSuspect = true;
      return;
    }
    this.#log.warn({ generation }, 'a chunk outlived its generation: restoring state');
    this.#resetAll();
  }

  /** A new generation of work for the same partitions, with their state restored and fetching started again. */
  #resetAll(): void {
    const owned = [...this.#ledger.owned];
    this.#ledger.assign(owned);
    this.#tails.clear();
    this.#resetFrom = this.#ledger.generation;
    this.#assignmentReady = this.#assignmentReady.then(() => this.#putInPlace(owned, owned, owned));
  }

  /**
   * Stops fetching, lets the chunks in hand finish, commits, and leaves the group. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#member.pause();
      await Promise.allSettled([...this.#inFlight]);
      await this.commit();
      await Promise.allSettled([...this.#unacked]);
      await this.commit();
      this.#options.state?.drop(this.#ledger.revoke());
      await this.#member.close();
    })();
    return this.#closing;
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    void work.then(
      () => this.#inFlight.delete(work),
      () => this.#inFlight.delete(work),
    );
    return work;
  }

  #revoking(): Promise<void> {
    if (this.#ledger.revoking) return this.#revokingDone;
    const partitions = this.#ledger.revoke();
    // The first join gives up nothing.
    if (partitions.length === 0 && this.#unacked.size === 0) return this.#revokingDone;
    this.#metrics.rebalance();
    this.#log.info({ partitions }, 'rebalance: finishing sent decisions, committing, giving up partitions');
    const bound = new Promise<void>((resolve) => setTimeout(resolve, this.#options.revokeWaitMs).unref());
    this.#revokingDone = (async () => {
      if (this.#options.transactions !== undefined) {
        // Let the chunks being decided join the window, then commit it.
        await Promise.race([Promise.allSettled([...this.#inFlight]), bound]);
        await this.commit();
      }
      await Promise.race([Promise.allSettled([...this.#unacked]), bound]);
      await this.commit();
    })();
    return this.#revokingDone;
  }

  #assigned(partitions: readonly number[], uninterrupted: boolean): void {
    const before = [...this.#ledger.owned];
    const lost = this.#ledger.assign(partitions);
    this.#tails.clear();
    for (const p of lost) this.#metrics.clearLag(this.#options.topic, p);
    this.#metrics.setAssignment(this.#options.topic, partitions);
    this.#log.info({ partitions }, 'joined the consumer group');
    // Kept partitions keep their state (it matches their last commit), unless an abort left it ahead or the member
    // was out of the group in between, when another member may have decided and committed on them.
    const suspect = this.#stateSuspect || !uninterrupted;
    this.#stateSuspect = false;
    const drop = suspect ? before : lost;
    if (suspect) this.#resetFrom = this.#ledger.generation;
    const gained = suspect ? [...partitions] : partitions.filter((p) => !before.includes(p));
    // The revocation's commit was taken before this generation began; new work waits for nothing of it.
    this.#assignmentReady = this.#revokingDone.then(() => this.#putInPlace(drop, gained, partitions));
  }

  /**
   * Drops the state of `drop`, restores that of `gained`, and under exactly-once starts fetching `owned` again
   * from the committed offsets (read now, after the restore waited out any transaction open on them). A restore
   * that fails stops the scorer: scoring on missing state would decide differently.
   */
  async #putInPlace(drop: readonly number[], gained: readonly number[], owned: readonly number[]): Promise<void> {
    const state = this.#options.state;
    if (state === undefined) return;
    state.drop(drop);
    if (gained.length === 0) return;
    this.#restoring = true;
    const began = Date.now();
    try {
      await state.restore(gained);
      this.#log.info({ partitions: gained, tookMs: Date.now() - began }, 'partition state restored');
    } catch (error) {
      this.#options.onFatal(error);
      return;
    } finally {
      this.#restoring = false;
    }
    if (this.#options.transactions !== undefined && this.#closing === undefined && !this.#ledger.revoking) {
      // Batches fetched before now may start past the committed offsets: a new generation drops them.
      this.#ledger.assign(owned);
      this.#tails.clear();
      this.#member.rewind();
    }
  }

  async #handleBatch(batch: PartitionBatch, control: BatchControl): Promise<void> {
    const { topic, partition, records } = batch;
    const { chunkSize, nowMs } = this.#options;
    const metrics = this.#metrics;
    const ledger = this.#ledger;
    const window = this.#options.transactions;
    const state = this.#options.state;
    // Read before the wait: a restore that ends by fetching again starts a new generation, which drops this batch.
    const generation = ledger.generation;
    await this.#assignmentReady;
    for (let start = 0; start < records.length; start += chunkSize) {
      // A rebalance or a stop ends the batch: what is not sent is fetched again by whoever owns it next.
      if (this.#closing !== undefined || !ledger.isCurrent(generation, partition)) return;
      const receivedAt = nowMs();
      const chunk = records.slice(start, start + chunkSize);
      metrics.transactionsIn(chunk.length);
      const outcomes = await this.#pipeline.process(chunk, receivedAt);
      // A new generation began while the chunk was decided (an abort, a rebalance): send nothing of it.
      if (ledger.generation !== generation) {
        this.#outlived(generation);
        return;
      }
      const last = chunk[chunk.length - 1]!;
      const next = BigInt(last.offset) + 1n;
      const out = outcomes.map((o) => o.record);
      if (state !== undefined) for (const r of state.recordsAfterChunk(partition)) out.push(r);
      let send: Promise<void>;
      if (window !== undefined) {
        send = window.add(partition, next, chunk.length, out, batch.generation).then(
          () => this.#onDelivered(receivedAt, outcomes),
          // Aborted: the records are decided again once the state is back; nothing to report.
          () => {},
        );
      } else {
        // The next fetch need not wait for this chunk's acknowledgement: the offset becomes committable only once
        // this chunk's records and those of every earlier chunk of the partition are acknowledged (decisions and
        // dead letters travel in separate requests, which may be acknowledged in either order).
        const sent = this.#sink.send(out);
        const prior = this.#tails.get(partition);
        send = (prior === undefined ? sent : Promise.all([prior, sent])).then(
          () => {
            this.#onDelivered(receivedAt, outcomes);
            this.#ledger.acknowledged(generation, partition, next);
          },
          (error: unknown) => {
            this.#sendFailed = true;
            this.#options.onFatal(error);
          },
        );
        this.#tails.set(partition, send);
      }
      this.#unacked.add(send);
      void send.finally(() => this.#unacked.delete(send));
      control.consumed(last.offset);
      const lag = batch.highWatermark - next;
      metrics.setLag(topic, partition, Number(lag < 0n ? 0n : lag));
      while (this.#unacked.size >= this.#options.maxUnackedChunks) await Promise.race(this.#unacked);
      await control.heartbeat();
    }
  }

  #onDelivered(receivedAt: number, outcomes: readonly Outcome[]) {
    const metrics = this.#metrics;
    const ackedAt = this.#options.nowMs();
    metrics.recordLatency('process', (ackedAt - receivedAt) * 1000, outcomes.length);
    for (const o of outcomes) {
      metrics.recordLatency('e2e', (ackedAt - o.timestamp) * 1000);
      if (o.kind === 'decision') metrics.decision(o.action, o.degraded);
      else metrics.deadLetter(o.stage);
    }
  }
}
