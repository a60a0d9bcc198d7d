import type { Action } from '../../../../schemas/src/types.ts';
import type { ChallengerOutcome } from '../core/scoring/micro-batcher.ts';

/** The latencies of DESIGN.md "Latency", all in microseconds. */
export const LATENCY_NAMES = ['model_call', 'model_row', 'process', 'e2e'] as const;
export type LatencyName = (typeof LATENCY_NAMES)[number];

/** Why a decision was made by rules alone. */
export type DegradedReason = 'model-failed' | 'deadline';

/** A model role: the champion decides; a challenger shadows it. */
export type ModelRole = 'champion' | 'challenger';
export const MODEL_ROLES: readonly ModelRole[] = ['champion', 'challenger'];

/** How a request to change a model ended: swapped in (or removed), or refused with the serving one kept. */
export type ModelChangeResult = 'ok' | 'refused';
export const MODEL_CHANGE_RESULTS: readonly ModelChangeResult[] = ['ok', 'refused'];

export { CHALLENGER_OUTCOMES, type ChallengerOutcome } from '../core/scoring/micro-batcher.ts';

/** What happened to an offset commit: `ok`, or refused because the group moved on (`stale`), or failed. */
export type CommitResult = 'ok' | 'stale' | 'failed';

/**
 * What the pipeline reports while it runs. Every method is cheap and allocation-free once warm, so it can sit on
 * the hot path; none of them throws.
 */
export interface ScorerMetrics {
  /**
   * Records `count` observations of `us` microseconds. Negative or NaN values count as 0 (clock skew between the
   * producer and us can make `e2e` negative); values above 60 s are clamped to 60 s and counted as clamped.
   * For `model_row`, record the call's duration divided by its rows, with `count` = rows.
   */
  recordLatency(name: LatencyName, us: number, count?: number): void;
  transactionsIn(count: number): void;
  /** One decision acknowledged by the broker; `degraded` says why it was decided by rules alone, if it was. */
  decision(action: Action, degraded: DegradedReason | null): void;
  /** One record sent to the dead-letter topic; `stage` is where it failed (e.g. `decode`, `validate`). */
  deadLetter(stage: string): void;
  setLag(topic: string, partition: number, lag: number): void;
  /** Forgets a partition's lag when it is revoked, so the dashboard does not show a stale number. */
  clearLag(topic: string, partition: number): void;
  setModelVersion(version: string): void;
  /** The challenger's version now (null: none). */
  setChallengerVersion(version: string | null): void;
  /** One request to change a model (a swap, a challenger set or removed, a promotion), and how it ended. */
  modelChange(role: ModelRole, result: ModelChangeResult): void;
  /** The challenger's part of one model call: `rows` rows, `micros` µs of its own call (0 when it did not run). */
  challengerCall(outcome: ChallengerOutcome, rows: number, micros: number): void;
  /** The transactions consumer gave up its partitions for a rebalance (counted once per rebalance). */
  rebalance(): void;
  /** The input partitions this instance owns now. */
  setAssignment(topic: string, partitions: readonly number[]): void;
  /** One offset commit of the transactions consumer, and how it ended. */
  commit(result: CommitResult): void;
  /** Sizes of the in-memory state: cards held, and terminal-day cells held. */
  setStateSizes(cards: number, terminalCells: number): void;
  /** Partitions whose state is being restored from the changelog now (0 when none). */
  setRestoring(partitions: number): void;
  /** A restore of `partitions` partitions ended: `records` read back in `ms`. */
  restored(partitions: number, records: number, ms: number): void;
}

/** For tests and tools that do not observe anything. */
export const noopMetrics: ScorerMetrics = Object.freeze({
  recordLatency: () => {},
  transactionsIn: () => {},
  decision: () => {},
  deadLetter: () => {},
  setLag: () => {},
  clearLag: () => {},
  setModelVersion: () => {},
  setChallengerVersion: () => {},
  modelChange: () => {},
  challengerCall: () => {},
  rebalance: () => {},
  setAssignment: () => {},
  commit: () => {},
  setStateSizes: () => {},
  setRestoring: () => {},
  restored: () => {},
});

// Keyed records, so adding a reason or a result to the types above fails to compile until it is listed here too.
const DEGRADED_REASON_KEYS: Record<DegradedReason, null> = { 'model-failed': null, deadline: null };
const COMMIT_RESULT_KEYS: Record<CommitResult, null> = { ok: null, stale: null, failed: null };

/** Every degraded reason, so counters can start at 0 for each (a series that appears late hides its first rise). */
export const DEGRADED_REASONS = Object.freeze(Object.keys(DEGRADED_REASON_KEYS) as DegradedReason[]);
/** Every commit result, for the same reason. */
export const COMMIT_RESULTS = Object.freeze(Object.keys(COMMIT_RESULT_KEYS) as CommitResult[]);
