import type { Action } from '../../../../schemas/src/types.ts';
import type { DriftReport } from '../core/quality/feature-drift.ts';
import type { QualityReport } from '../core/quality/live-quality.ts';
import type { ExplainedDeclinesSnapshot } from './explained-declines.ts';
import type { DistributionPoint, HistogramStats } from './histogram-stats.ts';
import type {
  ChallengerOutcome,
  CommitResult,
  DegradedReason,
  LatencyName,
  ModelChangeResult,
  ModelRole,
} from './scorer-metrics.ts';

/** One window of one latency as `/api/latency` shows it. */
export interface WindowSnapshot extends HistogramStats {
  /** HdrHistogram compressed base64: decode and add these to merge the instances of a consumer group. */
  encoded?: string;
  distribution?: DistributionPoint[];
}

export interface LatencySnapshot {
  /** Every latency value in this document is in microseconds. */
  unit: 'us';
  takenAt: number;
  startedAt: number;
  uptimeSeconds: number;
  /** The champion's version (null before the model is loaded). */
  modelVersion: string | null;
  /** The challenger shadowing it, its cost, and the model changes since start. */
  models: {
    challengerVersion: string | null;
    /** By role, then result; every one is present. */
    changes: Record<ModelRole, Record<ModelChangeResult, number>>;
    /** Rows of champion calls by what the challenger did with them; every outcome is present. */
    challengerRows: Record<ChallengerOutcome, number>;
    /** Time in the challenger's own calls since start, seconds. */
    challengerSeconds: number;
  };
  /** Live quality per model from the fraud reports so far (null until first worked out). */
  quality: QualityReport | null;
  /** Live feature rows against the champion's training rows, per feature (null: no drift source). */
  drift: DriftReport | null;
  /** Decisions that carried an explanation since start. */
  explanations: number;
  /** The latest DECLINE decisions with their explanations, and the features that drive them. */
  explainedDeclines: ExplainedDeclinesSnapshot;
  intervalMs: number;
  /**
   * The last completed interval, which the `interval` windows, `throughput` and the newest `history` entry
   * describe; `index` 0 means none has completed yet. Latency windows change only when it does.
   */
  interval: { index: number; startedAt: number; endedAt: number };
  latency: Record<LatencyName, { cumulative: WindowSnapshot; interval: WindowSnapshot }>;
  throughput: { inPerSecond: number; outPerSecond: number };
  /** Live counters since start. */
  totals: {
    transactionsIn: number;
    decisionsOut: number;
    decisions: Record<Action, number>;
    degraded: number;
    /** `degraded` by why the model was not used; every reason is present. */
    degradedByReason: Record<DegradedReason, number>;
    deadLetters: number;
    /** Input and label records alike, by the stage that rejected them; a stage appears with its first record. */
    deadLettersByStage: Record<string, number>;
  };
  /** The transactions consumer in its group, as this member sees it. */
  consumerGroup: {
    /** Rebalances since start. */
    rebalances: number;
    /** Offset commits since start, by how they ended; every result is present. */
    commits: Record<CommitResult, number>;
    /** The input partitions this member owns now, per topic, in order; empty before the first assignment. */
    assignment: { topic: string; partitions: number[] }[];
  };
  /** In-memory state sizes as last reported (0 before the first report). */
  state: { cards: number; terminalCells: number };
  /** Restores of partition state from the changelog since start, and the partitions being restored now. */
  restore: { restoring: number; partitions: number; records: number; seconds: number };
  lag: { topic: string; partition: number; lag: number }[];
  history: IntervalPoint[];
}

/** One completed interval, for the "over time" charts. */
export interface IntervalPoint {
  index: number;
  endedAt: number;
  durationMs: number;
  inPerSecond: number;
  outPerSecond: number;
  decisions: Record<Action, number>;
  degraded: number;
  deadLetters: number;
  latency: Record<LatencyName, { count: number; p50: number; p99: number; p99_9: number; max: number }>;
}

export interface SnapshotOptions {
  /** Include the encoded histograms (about 1 to 10 kB each); default true. */
  encoded?: boolean;
  /** Include the percentile distribution points; default true. */
  distribution?: boolean;
}

/** What the dashboard and the Prometheus collector read. */
export interface SnapshotSource {
  snapshot(options?: SnapshotOptions): LatencySnapshot;
}
