import type { Consumer } from 'kafkajs';
import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../schemas/src/types.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS } from '../core/limits.ts';
import type { InputLimits, OutputLimits } from '../core/limits.ts';
import { LABEL_STAGE, intakeLabels } from '../core/scoring/label-intake.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import { fromKafkaHeaders } from './kafkajs-headers.ts';
import type { KafkaSink } from './sink.ts';

export interface LabelSourceOptions {
  /** Bounds on ids and times, as for transactions (default `DEFAULT_INPUT_LIMITS`). */
  readonly limits?: InputLimits;
  /** Bounds on dead letters (default `DEFAULT_OUTPUT_LIMITS`). */
  readonly output?: OutputLimits;
  /** The clock `reportedAt` and event times are checked against (default `Date.now`). */
  readonly nowMs?: () => number;
}

/**
 * Reads the whole `transaction-labels` topic from the start, in every instance (its consumer group is the
 * instance's own), so each instance's terminal risk features see every fraud report whatever partitions it owns.
 * A label that cannot be decoded or fails validation never reaches the features: it goes to the dead-letter
 * topic like a bad transaction, with stage `label`.
 */
export async function runLabelSource(
  consumer: Consumer,
  topic: string,
  codecs: SchemaCodecs,
  onLabel: (label: Label) => void,
  sink: KafkaSink,
  deadLetterTopic: string,
  metrics: ScorerMetrics,
  options: LabelSourceOptions = {},
): Promise<void> {
  const nowMs = options.nowMs ?? Date.now;
  const deps = {
    codecs,
    onLabel,
    deadLetterTopic,
    limits: options.limits ?? DEFAULT_INPUT_LIMITS,
    output: options.output ?? DEFAULT_OUTPUT_LIMITS,
  };
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async (payload) => {
      const { batch } = payload;
      const records = batch.messages.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        timestamp: Number(m.timestamp),
        key: m.key,
        value: m.value,
        headers: fromKafkaHeaders(m.headers),
      }));
      const dead = intakeLabels(records, nowMs(), deps);
      await sink.send(dead);
      for (let i = 0; i < dead.length; i++) metrics.deadLetter(LABEL_STAGE);
      const last = batch.messages[batch.messages.length - 1];
      if (last) payload.resolveOffset(last.offset);
      await payload.heartbeat();
    },
  });
}
