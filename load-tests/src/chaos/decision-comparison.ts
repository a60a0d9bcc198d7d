import type { Decision } from '../../../schemas/src/types.ts';

/**
 * What a decision says about its transaction: the fields that must not depend on which instance decided it or
 * when. decidedAt and latencyUs differ by nature; modelVersion is one model here.
 */
export interface Verdict {
  readonly action: string;
  readonly score: number;
  /** The reason codes in their order, comma-joined. */
  readonly reasons: string;
  readonly degraded: boolean;
}

export function verdictOf(d: Pick<Decision, 'action' | 'score' | 'reasons' | 'degraded'>): Verdict {
  return { action: d.action, score: d.score, reasons: d.reasons.join(','), degraded: d.degraded };
}

export function sameVerdict(a: Verdict, b: Verdict): boolean {
  return a.action === b.action && a.score === b.score && a.reasons === b.reasons && a.degraded === b.degraded;
}

/** The decisions one run wrote, in the order a reader met them: the first per transaction, and the copies after it. */
export class DecisionSet {
  readonly first = new Map<string, Verdict>();
  /** Decisions beyond the first of their transaction. */
  copies = 0;
  /** Of those, the ones whose verdict differs from the first's. */
  copiesDiffering = 0;

  add(transactionId: string, verdict: Verdict): void {
    const seen = this.first.get(transactionId);
    if (seen === undefined) this.first.set(transactionId, verdict);
    else {
      this.copies++;
      if (!sameVerdict(seen, verdict)) this.copiesDiffering++;
    }
  }
}

export interface RunCounts {
  /** Transactions of the input with at least one decision. */
  readonly decided: number;
  readonly missing: number;
  /** Decisions beyond one per transaction, and of those the ones unlike the transaction's first. */
  readonly duplicated: number;
  readonly duplicatesDiffering: number;
  /** Decisions of transaction ids the input does not have (0 unless topics got mixed up). */
  readonly unknown: number;
  /** Transactions whose (first) decision is degraded: rules only, the model not asked. */
  readonly degraded: number;
}

export interface DifferingExample {
  readonly transactionId: string;
  readonly run: Verdict;
  readonly reference: Verdict;
}

export interface RunComparison {
  readonly run: RunCounts;
  readonly reference: RunCounts;
  /** Transactions decided in both, compared first decision to first decision. */
  readonly compared: number;
  /** Transactions whose verdicts differ in anything, and by field (one transaction may count in several). */
  readonly differing: number;
  readonly differingBy: {
    readonly action: number;
    readonly score: number;
    readonly reasons: number;
    readonly degraded: number;
  };
  /** The largest |score − reference score| over the compared transactions. */
  readonly maxScoreDifference: number;
  /** The first few differing transactions, in input order. */
  readonly examples: readonly DifferingExample[];
}

function countRun(ids: readonly string[], known: ReadonlySet<string>, set: DecisionSet): RunCounts {
  let decided = 0;
  let degraded = 0;
  for (const id of ids) {
    const verdict = set.first.get(id);
    if (verdict === undefined) continue;
    decided++;
    if (verdict.degraded) degraded++;
  }
  let unknown = 0;
  for (const id of set.first.keys()) if (!known.has(id)) unknown++;
  return {
    decided,
    missing: ids.length - decided,
    duplicated: set.copies,
    duplicatesDiffering: set.copiesDiffering,
    unknown,
    degraded,
  };
}

/**
 * A run's decisions against the reference's, transaction by transaction of the input (`ids`, in send order).
 * Scores must be equal exactly: the same features into the same model give the same float.
 */
export function compareRuns(
  ids: readonly string[],
  run: DecisionSet,
  reference: DecisionSet,
  exampleCount = 5,
): RunComparison {
  const known = new Set(ids);
  const differingBy = { action: 0, score: 0, reasons: 0, degraded: 0 };
  const examples: DifferingExample[] = [];
  let compared = 0;
  let differing = 0;
  let maxScoreDifference = 0;
  for (const id of ids) {
    const a = run.first.get(id);
    const b = reference.first.get(id);
    if (a === undefined || b === undefined) continue;
    compared++;
    maxScoreDifference = Math.max(maxScoreDifference, Math.abs(a.score - b.score));
    if (sameVerdict(a, b)) continue;
    differing++;
    if (a.action !== b.action) differingBy.action++;
    if (a.score !== b.score) differingBy.score++;
    if (a.reasons !== b.reasons) differingBy.reasons++;
    if (a.degraded !== b.degraded) differingBy.degraded++;
    if (examples.length < exampleCount) examples.push({ transactionId: id, run: a, reference: b });
  }
  return {
    run: countRun(ids, known, run),
    reference: countRun(ids, known, reference),
    compared,
    differing,
    differingBy,
    maxScoreDifference,
    examples,
  };
}
