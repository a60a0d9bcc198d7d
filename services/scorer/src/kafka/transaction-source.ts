import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { ScoringPipeline } from '../core/scoring/pipeline.ts';
import type { InRecord, Outcome } from '../core/scoring/records.ts';
import { ScorerError, errorMessage } from '../errors.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import { fromKafkaHeaders } from './kafkajs-headers.ts';
import type { KafkaSink } from './sink.ts';

export interface SourceOptions {
  readonly topic: string;
  readonly partitionsConcurrently: number;
  /** Records handed to the pipeline at a time: bounds the latency one large fetch adds to its last record. */
  readonly chunkSize: number;
  /** How often acknowledged offsets are committed. */
  readonly commitIntervalMs: number;
  /** Chunks sent but not yet acknowledged, at most; past it, fetching waits (backpressure). */
  readonly maxUnackedChunks: number;
  readonly nowMs: () => number;
  /** A failure that must stop the scorer (its records are not committed, so they will be decided again). */
  readonly onFatal: (error: unknown) => void;
}

/**
 * The consumer-group member on `transactions`: per partition, in order, decide a chunk, send its outcomes and
 * wait for the broker's acknowledgement; the acknowledged offsets are committed every `commitIntervalMs` (and
 * on close), off the per-record path. At-least-once: nothing is committed before its decision is acknowledged,
 * and a crash decides the records after the last commit again.
 */
export class TransactionSource {
  readonly #consumer: Consumer;
  readonly #pipeline: ScoringPipeline;
  readonly #sink: KafkaSink;
  readonly #metrics: ScorerMetrics;
  readonly #options: SourceOptions;
  /** Next offset to commit per partition, once acknowledged. */
  readonly #acked = new Map<number, string>();
  readonly #highestAcked = new Map<number, bigint>();
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Sends awaiting the broker's acknowledgement. */
  readonly #unacked = new Set<Promise<void>>();
  /** After a failed send nothing more is committed: later acknowledged offsets would skip the failed records. */
  #sendFailed = false;

  constructor(
    consumer: Consumer,
    pipeline: ScoringPipeline,
    sink: KafkaSink,
    metrics: ScorerMetrics,
    options: SourceOptions,
  ) {
    this.#consumer = consumer;
    this.#pipeline = pipeline;
    this.#sink = sink;
    this.#metrics = metrics;
    this.#options = options;
  }

  async start(): Promise<void> {
    const consumer = this.#consumer;
    // Before a rebalance hands our partitions to another member, commit what we have acknowledged.
    consumer.on(consumer.events.REBALANCING, () => void this.commit());
    // A partition may come back after another member committed less than we had acknowledged.
    consumer.on(consumer.events.GROUP_JOIN, () => this.#highestAcked.clear());
    await consumer.subscribe({ topic: this.#options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConcurrently,
      eachBatch: async (payload) => {
        const work = this.#handleBatch(payload);
        this.#inFlight.add(work);
        try {
          await work;
        } catch (error) {
          this.#options.onFatal(error);
          throw error;
        } finally {
          this.#inFlight.delete(work);
        }
      },
    });
    this.#timer = setInterval(() => void this.commit(), this.#options.commitIntervalMs);
    this.#timer.unref();
  }

  /** Commits the acknowledged offsets not committed yet; one commit at a time. */
  commit(): Promise<void> {
    this.#committing = this.#committing.then(async () => {
      if (this.#acked.size === 0 || this.#sendFailed) return;
      const partitions = [...this.#acked];
      this.#acked.clear();
      const topic = this.#options.topic;
      try {
        await this.#consumer.commitOffsets(partitions.map(([partition, offset]) => ({ topic, partition, offset })));
      } catch (error) {
        // During a rebalance the commit may be refused: those records are decided again by the next owner.
        for (const [partition, offset] of partitions)
          if (!this.#acked.has(partition)) this.#acked.set(partition, offset);
        throw new ScorerError('COMMIT_FAILED', `offset commit failed: ${errorMessage(error)}`, true, { cause: error });
      }
    });
    return this.#committing.catch(() => {});
  }

  /**
   * Stops fetching, lets the chunks in hand finish, commits, and leaves the group. Idempotent.
   * (kafkajs' own stop() leaves the group right after the last batch, with no moment to commit in between.)
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#consumer.pause([{ topic: this.#options.topic }]);
      await Promise.allSettled([...this.#inFlight]);
      await Promise.allSettled([...this.#unacked]);
      await this.commit();
      await this.#consumer.disconnect();
    })();
    return this.#closing;
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition, messages } = batch;
    const { chunkSize, nowMs } = this.#options;
    const metrics = this.#metrics;
    for (let start = 0; start < messages.length; start += chunkSize) {
      if (this.#closing !== undefined || !payload.isRunning() || payload.isStale()) return;
      const receivedAt = nowMs();
      const chunk = messages.slice(start, start + chunkSize);
      metrics.transactionsIn(chunk.length);
      const records = chunk.map((m) => toInRecord(topic, partition, m));
      const outcomes = await this.#pipeline.process(records, receivedAt);
      const last = chunk[chunk.length - 1]!;
      const next = BigInt(last.offset) + 1n;
      // The next fetch need not wait for this chunk's acknowledgement: sends of the idempotent producer are
      // acknowledged in order, and the offset becomes committable only once its decisions are acknowledged.
      const send = this.#sink.send(outcomes.map((o) => o.record)).then(
        () => this.#onAcked(partition, next, receivedAt, outcomes),
        (error: unknown) => {
          this.#sendFailed = true;
          this.#options.onFatal(error);
        },
      );
      this.#unacked.add(send);
      void send.finally(() => this.#unacked.delete(send));
      payload.resolveOffset(last.offset);
      const lag = BigInt(batch.highWatermark) - next;
      metrics.setLag(topic, partition, Number(lag < 0n ? 0n : lag));
      while (this.#unacked.size >= this.#options.maxUnackedChunks) await Promise.race(this.#unacked);
      await payload.heartbeat();
    }
  }

  #onAcked(partition: number, next: bigint, receivedAt: number, outcomes: readonly Outcome[]): void {
    const metrics = this.#metrics;
    const ackedAt = this.#options.nowMs();
    metrics.recordLatency('process', (ackedAt - receivedAt) * 1000, outcomes.length);
    for (const o of outcomes) {
      metrics.recordLatency('e2e', (ackedAt - o.timestamp) * 1000);
      if (o.kind === 'decision') metrics.decision(o.action, o.degraded);
      else metrics.deadLetter(o.stage);
    }
    // Never move a partition's commit point backwards, whatever order acknowledgements arrive in.
    if (next > (this.#highestAcked.get(partition) ?? -1n)) {
      this.#highestAcked.set(partition, next);
      this.#acked.set(partition, next.toString());
    }
  }
}

function toInRecord(topic: string, partition: number, m: KafkaMessage): InRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: fromKafkaHeaders(m.headers),
  };
}
