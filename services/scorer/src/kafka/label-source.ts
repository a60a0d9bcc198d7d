import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../schemas/src/types.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS } from '../core/limits.ts';
import type { InputLimits, OutputLimits } from '../core/limits.ts';
import { LABEL_STAGE, intakeLabels } from '../core/scoring/label-intake.ts';
import type { InRecord } from '../core/scoring/records.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { KafkaSink } from './sink.ts';

export interface LabelApplierOptions {
  /** Bounds on ids and times, as for transactions (default `DEFAULT_INPUT_LIMITS`). */
  readonly limits?: InputLimits;
  /** Bounds on dead letters (default `DEFAULT_OUTPUT_LIMITS`). */
  readonly output?: OutputLimits;
  /** The clock `reportedAt` and event times are checked against (default `Date.now`). */
  readonly nowMs?: () => number;
}

/**
 * What becomes of the records of `transaction-labels`, which every instance reads whole (a `TopicFollower`),
 * so each instance's terminal risk features see every fraud report whatever partitions it owns. A label that
 * cannot be decoded or fails validation never reaches the features: it goes to the dead-letter topic like a bad
 * transaction, with stage `label` (once per reading: every start reads the topic again).
 */
export function labelApplier(
  codecs: SchemaCodecs,
  onLabel: (label: Label) => void,
  sink: Pick<KafkaSink, 'send'>,
  deadLetterTopic: string,
  metrics: ScorerMetrics,
  options: LabelApplierOptions = {},
): (partition: number, records: readonly InRecord[]) => Promise<void> {
  const nowMs = options.nowMs ?? Date.now;
  const deps = {
    codecs,
    onLabel,
    deadLetterTopic,
    limits: options.limits ?? DEFAULT_INPUT_LIMITS,
    output: options.output ?? DEFAULT_OUTPUT_LIMITS,
  };
  return async (_partition, records) => {
    const dead = intakeLabels(records, nowMs(), deps);
    await sink.send(dead);
    for (let i = 0; i < dead.length; i++) metrics.deadLetter(LABEL_STAGE);
  };
}
