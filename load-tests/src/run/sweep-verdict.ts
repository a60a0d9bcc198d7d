import type { PhaseResult } from './phase-runner.ts';

export interface StepVerdict {
  readonly sustainable: boolean;
  /** Why not, in words; empty when sustainable. */
  readonly reason: string;
  /** The generator, not the target, could not keep the schedule: the step says nothing about the target. */
  readonly generatorLimited: boolean;
}

/**
 * A sweep step is sustainable when every sent transaction has its output (after the drain) and the p99 from
 * intended send time is within the budget. A generator that lagged its schedule by more than the budget at p99
 * makes the step inconclusive, and it is reported as such.
 */
export function judgeStep(result: PhaseResult, budgetMs: number): StepVerdict {
  const budgetUs = budgetMs * 1000;
  const reasons: string[] = [];
  if (result.counts.missing > 0)
    reasons.push(`${result.counts.missing} of ${result.counts.sent} outputs missing after the drain`);
  if (result.counts.measured === 0) reasons.push('no measured outputs');
  else if (result.latency.p99 > budgetUs) {
    reasons.push(`p99 ${(result.latency.p99 / 1000).toFixed(1)} ms > budget ${budgetMs} ms`);
  }
  const generatorLimited = result.generator.lag.p99 > budgetUs;
  if (generatorLimited) {
    reasons.push(`generator behind schedule (lag p99 ${(result.generator.lag.p99 / 1000).toFixed(1)} ms)`);
  }
  return { sustainable: reasons.length === 0, reason: reasons.join('; '), generatorLimited };
}

export interface SweepStep {
  readonly result: PhaseResult;
  readonly verdict: StepVerdict;
}

/** The highest rate of the unbroken run of sustainable steps from the first; undefined if the first failed. */
export function highestSustainableRate(steps: readonly SweepStep[]): number | undefined {
  let best: number | undefined;
  for (const step of steps) {
    if (!step.verdict.sustainable) break;
    best = step.result.rate;
  }
  return best;
}
