import type { ScoringPipeline } from '../core/scoring/pipeline.ts';
import type { Outcome } from '../core/scoring/records.ts';
import type { Logger } from '../observability/logger.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { BatchControl, GroupMember, PartitionBatch } from './group-member.ts';
import { OffsetLedger } from './offset-ledger.ts';
import type { KafkaSink } from './sink.ts';

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
  /** Partitions owned after a join, and partitions about to be given up (for state that follows partitions). */
  /** No record of the new assignment is scored before the promise it returns resolves. */
  readonly onAssigned?: (partitions: readonly number[]) => Promise<void> | void;
  readonly onRevoked?: (partitions: readonly number[]) => Promise<void>;
}

/**
 * The consumer-group member on `transactions`: per partition, in order, decide a chunk and send its outcomes;
 * the fetch goes on without waiting for the broker's acknowledgement, and an offset becomes committable once
 * the decisions before it are acknowledged (the offset ledger). Committed every `commitIntervalMs`, at each
 * rebalance before the partitions are given up, and on close. At-least-once: nothing is committed before its
 * decision is acknowledged, and what was decided after the last commit is decided again by the next owner.
 *
 * Membership changes are normal life: a rebalance stops new chunks, lets the sent ones be acknowledged (up to
 * `revokeWaitMs`), commits them under the generation that owns them, and the member rejoins. Only a send that
 * failed after the client's retries, or an error the member cannot recover from, stops the scorer.
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
  #closing: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Per partition, the acknowledgement of its latest chunk (which implies all earlier ones). */
  readonly #tails = new Map<number, Promise<void>>();
  /** Sends awaiting the broker's acknowledgement. */
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

  async start(): Promise<void> {
    await this.#member.run({
      assigned: (partitions) => this.#assigned(partitions),
      revoking: () => this.#revoking(),
      batch: (batch, control) => this.#track(this.#handleBatch(batch, control)),
      fatal: (error) => this.#options.onFatal(error),
    });
    this.#timer = setInterval(() => void this.commit(), this.#options.commitIntervalMs);
    this.#timer.unref();
  }

  /** Commits the acknowledged offsets not committed yet; one commit at a time. Never rejects. */
  commit(): Promise<void> {
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
   * Stops fetching, lets the chunks in hand finish, commits, and leaves the group. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#member.pause();
      await Promise.allSettled([...this.#inFlight]);
      await Promise.allSettled([...this.#unacked]);
      await this.commit();
      await this.#options.onRevoked?.(this.#ledger.revoke());
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
      await Promise.race([Promise.allSettled([...this.#unacked]), bound]);
      await this.commit();
      try {
        await this.#options.onRevoked?.(partitions);
      } catch (error) {
        this.#log.warn({ err: String(error) }, 'revocation hook failed');
      }
    })();
    return this.#revokingDone;
  }

  #assigned(partitions: readonly number[]): void {
    const lost = this.#ledger.assign(partitions);
    this.#tails.clear();
    for (const p of lost) this.#metrics.clearLag(this.#options.topic, p);
    this.#metrics.setAssignment(this.#options.topic, partitions);
    this.#log.info({ partitions }, 'joined the consumer group');
    // The revocation's commit was taken before this generation began; new work waits for nothing of it.
    this.#assignmentReady = this.#revokingDone
      .then(() => this.#options.onAssigned?.(partitions))
      .catch((error: unknown) => this.#log.warn({ err: String(error) }, 'assignment hook failed'));
  }

  async #handleBatch(batch: PartitionBatch, control: BatchControl): Promise<void> {
    const { topic, partition, records } = batch;
    const { chunkSize, nowMs } = this.#options;
    const metrics = this.#metrics;
    const ledger = this.#ledger;
    const generation = ledger.generation;
    await this.#assignmentReady;
    for (let start = 0; start < records.length; start += chunkSize) {
      // A rebalance or a stop ends the batch: what is not sent is fetched again by whoever owns it next.
      if (this.#closing !== undefined || !ledger.isCurrent(generation, partition)) return;
      const receivedAt = nowMs();
      const chunk = records.slice(start, start + chunkSize);
      metrics.transactionsIn(chunk.length);
      const outcomes = await this.#pipeline.process(chunk, receivedAt);
      const last = chunk[chunk.length - 1]!;
      const next = BigInt(last.offset) + 1n;
      // The next fetch need not wait for this chunk's acknowledgement: the offset becomes committable only once
      // this chunk's records and those of every earlier chunk of the partition are acknowledged (decisions and
      // dead letters travel in separate requests, which may be acknowledged in either order).
      const sent = this.#sink.send(outcomes.map((o) => o.record));
      const prior = this.#tails.get(partition);
      const send = (prior === undefined ? sent : Promise.all([prior, sent])).then(
        () => this.#onAcked(generation, partition, next, receivedAt, outcomes),
        (error: unknown) => {
          this.#sendFailed = true;
          this.#options.onFatal(error);
        },
      );
      this.#tails.set(partition, send);
      this.#unacked.add(send);
      void send.finally(() => this.#unacked.delete(send));
      control.consumed(last.offset);
      const lag = batch.highWatermark - next;
      metrics.setLag(topic, partition, Number(lag < 0n ? 0n : lag));
      while (this.#unacked.size >= this.#options.maxUnackedChunks) await Promise.race(this.#unacked);
      await control.heartbeat();
    }
  }

  #onAcked(generation: number, partition: number, next: bigint, receivedAt: number, outcomes: readonly Outcome[]) {
    const metrics = this.#metrics;
    const ackedAt = this.#options.nowMs();
    metrics.recordLatency('process', (ackedAt - receivedAt) * 1000, outcomes.length);
    for (const o of outcomes) {
      metrics.recordLatency('e2e', (ackedAt - o.timestamp) * 1000);
      if (o.kind === 'decision') metrics.decision(o.action, o.degraded);
      else metrics.deadLetter(o.stage);
    }
    this.#ledger.acknowledged(generation, partition, next);
  }
}
