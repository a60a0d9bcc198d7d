import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../schemas/src/types.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS } from '../core/limits.ts';
import type { InputLimits, OutputLimits } from '../core/limits.ts';
import { LABEL_STAGE, intakeLabels } from '../core/scoring/label-intake.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { GroupMember } from './group-member.ts';
import { ReadProgress } from './read-progress.ts';
import type { KafkaSink } from './sink.ts';

export interface LabelSourceOptions {
  /** The labels topic (for the progress' messages). */
  readonly topic: string;
  /** Bounds on ids and times, as for transactions (default `DEFAULT_INPUT_LIMITS`). */
  readonly limits?: InputLimits;
  /** Bounds on dead letters (default `DEFAULT_OUTPUT_LIMITS`). */
  readonly output?: OutputLimits;
  /** The clock `reportedAt` and event times are checked against (default `Date.now`). */
  readonly nowMs?: () => number;
}

/**
 * Reads the whole `transaction-labels` topic from the start, in every instance (through a member of a group of
 * its own that never commits, so every start reads it all again), so each instance's terminal risk features see every fraud report whatever partitions it owns.
 * A label that cannot be decoded or fails validation never reaches the features: it goes to the dead-letter
 * topic like a bad transaction, with stage `label`. Returns how far the reading has got, so that scoring can
 * wait until every label published before the start has been applied.
 */
export async function runLabelSource(
  member: GroupMember,
  codecs: SchemaCodecs,
  onLabel: (label: Label) => void,
  sink: KafkaSink,
  deadLetterTopic: string,
  metrics: ScorerMetrics,
  onFatal: (error: unknown) => void,
  options: LabelSourceOptions,
): Promise<ReadProgress> {
  const nowMs = options.nowMs ?? Date.now;
  const deps = {
    codecs,
    onLabel,
    deadLetterTopic,
    limits: options.limits ?? DEFAULT_INPUT_LIMITS,
    output: options.output ?? DEFAULT_OUTPUT_LIMITS,
  };
  const progress = new ReadProgress(options.topic);
  await member.run({
    assigned: (partitions) => {
      for (const p of partitions) progress.restart(p);
    },
    revoking: () => Promise.resolve(),
    batch: async (batch) => {
      const dead = intakeLabels(batch.records, nowMs(), deps);
      await sink.send(dead);
      for (let i = 0; i < dead.length; i++) metrics.deadLetter(LABEL_STAGE);
      const last = batch.records[batch.records.length - 1];
      if (last !== undefined) progress.advance(batch.partition, BigInt(last.offset) + 1n);
    },
    fatal: onFatal,
  });
  return progress;
}
