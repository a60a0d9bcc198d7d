import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { ScoringPipeline } from '../core/scoring/pipeline.ts';
import type { InRecord } from '../core/scoring/records.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { KafkaSink } from './sink.ts';

export interface SourceOptions {
  readonly topic: string;
  readonly partitionsConcurrently: number;
  /** Records handed to the pipeline at a time: bounds the latency one large fetch adds to its last record. */
  readonly chunkSize: number;
  readonly nowMs: () => number;
  /** A failure that must stop the scorer (the batch is not committed, so its records will be decided again). */
  readonly onFatal: (error: unknown) => void;
}

/**
 * The consumer-group member on `transactions`: per partition, in order, decide a chunk, send its outcomes, wait
 * for the broker's acknowledgement, then commit the chunk's offsets. At-least-once: a crash between the send
 * and the commit decides those records again; nothing is ever committed before its decision is acknowledged.
 */
export async function runTransactionSource(
  consumer: Consumer,
  pipeline: ScoringPipeline,
  sink: KafkaSink,
  metrics: ScorerMetrics,
  options: SourceOptions,
): Promise<void> {
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConcurrently,
    eachBatch: async (payload) => {
      try {
        await handleBatch(consumer, payload, pipeline, sink, metrics, options);
      } catch (error) {
        options.onFatal(error);
        throw error;
      }
    },
  });
}

async function handleBatch(
  consumer: Consumer,
  payload: EachBatchPayload,
  pipeline: ScoringPipeline,
  sink: KafkaSink,
  metrics: ScorerMetrics,
  options: SourceOptions,
): Promise<void> {
  const { batch } = payload;
  const { topic, partition, messages } = batch;
  for (let start = 0; start < messages.length; start += options.chunkSize) {
    if (!payload.isRunning() || payload.isStale()) return;
    const receivedAt = options.nowMs();
    const chunk = messages.slice(start, start + options.chunkSize);
    metrics.transactionsIn(chunk.length);
    const records = chunk.map((m) => toInRecord(topic, partition, m));
    const outcomes = await pipeline.process(records, receivedAt);
    await sink.send(outcomes.map((o) => o.record));

    const ackedAt = options.nowMs();
    const processUs = (ackedAt - receivedAt) * 1000;
    metrics.recordLatency('process', processUs, outcomes.length);
    for (const o of outcomes) {
      metrics.recordLatency('e2e', (ackedAt - o.timestamp) * 1000);
      if (o.kind === 'decision') metrics.decision(o.action, o.degraded);
      else metrics.deadLetter(o.stage);
    }
    const last = chunk[chunk.length - 1]!;
    payload.resolveOffset(last.offset);
    // With autoCommit off, kafkajs' commitOffsetsIfNecessary commits nothing (tulios/kafkajs#1729): commit directly.
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
    metrics.setLag(topic, partition, Number(lag < 0n ? 0n : lag));
    await payload.heartbeat();
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
    headers: (m.headers ?? {}) as InRecord['headers'],
  };
}
