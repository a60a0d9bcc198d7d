import { ACTIONS } from '../../../../schemas/src/types.ts';
import type { DriftReport } from '../core/quality/feature-drift.ts';
import type { QualityReport } from '../core/quality/live-quality.ts';
import type { Action, Decision } from '../../../../schemas/src/types.ts';
import { initHistogramRuntime } from './hdr.ts';
import { ExplainedDeclines } from './explained-declines.ts';
import { HistoryRing } from './history-ring.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import type { HistogramWindow } from './latency-histogram.ts';
import {
  CHALLENGER_OUTCOMES,
  COMMIT_RESULTS,
  DEGRADED_REASONS,
  LATENCY_NAMES,
  MODEL_CHANGE_RESULTS,
} from './scorer-metrics.ts';
import type {
  ChallengerOutcome,
  CommitResult,
  DegradedReason,
  LatencyName,
  ModelChangeResult,
  ModelRole,
  ScorerMetrics,
} from './scorer-metrics.ts';
import type { IntervalPoint, LatencySnapshot, SnapshotOptions, SnapshotSource, WindowSnapshot } from './snapshot.ts';

export interface LiveMetricsOptions {
  /** How often the interval histograms are swapped; default 10 s. */
  intervalMs?: number;
  /** Completed intervals kept for the "over time" charts; default 60. */
  historySize?: number;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
}

const WINDOWS: readonly HistogramWindow[] = ['cumulative', 'interval'];

interface Totals {
  transactionsIn: number;
  decisionsOut: number;
  degraded: number;
  degradedByReason: Record<DegradedReason, number>;
  deadLetters: number;
  decisions: Record<Action, number>;
}

/** The scorer's metrics: HDR latencies per interval and since start, counters, lag, and a history of intervals. */
export class LiveMetrics implements ScorerMetrics, SnapshotSource {
  readonly intervalMs: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #latency: Record<LatencyName, LatencyHistogram>;
  readonly #history: HistoryRing<IntervalPoint>;
  readonly #totals: Totals = {
    transactionsIn: 0,
    decisionsOut: 0,
    degraded: 0,
    degradedByReason: zeroes(DEGRADED_REASONS),
    deadLetters: 0,
    decisions: zeroes(ACTIONS),
  };
  #atLastRotation: Totals = copyTotals(this.#totals);
  readonly #deadLettersByStage = new Map<string, number>();
  readonly #lag = new Map<string, Map<number, number>>();
  #rebalances = 0;
  readonly #commits: Record<CommitResult, number> = zeroes(COMMIT_RESULTS);
  /** Sorted partitions per topic; a topic with none is not kept. */
  readonly #assignment = new Map<string, number[]>();
  #state = { cards: 0, terminalCells: 0 };
  #restore = { restoring: 0, partitions: 0, records: 0, seconds: 0 };
  #modelVersion: string | null = null;
  #challengerVersion: string | null = null;
  readonly #modelChanges: Record<ModelRole, Record<ModelChangeResult, number>> = {
    champion: zeroes(MODEL_CHANGE_RESULTS),
    challenger: zeroes(MODEL_CHANGE_RESULTS),
  };
  readonly #challengerRows: Record<ChallengerOutcome, number> = zeroes(CHALLENGER_OUTCOMES);
  #challengerMicros = 0;
  #quality: QualityReport | null = null;
  #drift: (() => DriftReport) | null = null;
  readonly #explained = new ExplainedDeclines();
  #explanations = 0;
  #interval = { index: 0, startedAt: 0, endedAt: 0 };
  #throughput = { inPerSecond: 0, outPerSecond: 0 };
  #intervalStartedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Loads the WASM histogram runtime (once per process) and creates the metrics; call `start()` to rotate. */
  static async create(options: LiveMetricsOptions = {}): Promise<LiveMetrics> {
    await initHistogramRuntime();
    return new LiveMetrics(options);
  }

  private constructor(options: LiveMetricsOptions) {
    this.intervalMs = options.intervalMs ?? 10_000;
    if (!(this.intervalMs > 0)) throw new RangeError('intervalMs must be positive');
    this.#now = options.now ?? Date.now;
    this.#history = new HistoryRing(options.historySize ?? 60);
    this.#startedAt = this.#now();
    this.#intervalStartedAt = this.#startedAt;
    this.#latency = {
      model_call: new LatencyHistogram(),
      model_row: new LatencyHistogram(),
      process: new LatencyHistogram(),
      e2e: new LatencyHistogram(),
    };
  }

  recordLatency(name: LatencyName, us: number, count = 1): void {
    this.#latency[name].record(us, count);
  }

  transactionsIn(count: number): void {
    this.#totals.transactionsIn += count;
  }

  decision(action: Action, degraded: DegradedReason | null): void {
    this.#totals.decisions[action]++;
    this.#totals.decisionsOut++;
    if (degraded !== null) {
      this.#totals.degraded++;
      this.#totals.degradedByReason[degraded]++;
    }
  }

  rebalance(): void {
    this.#rebalances++;
  }

  setAssignment(topic: string, partitions: readonly number[]): void {
    if (partitions.length === 0) this.#assignment.delete(topic);
    else
      this.#assignment.set(
        topic,
        [...new Set(partitions)].sort((a, b) => a - b),
      );
  }

  commit(result: CommitResult): void {
    this.#commits[result]++;
  }

  setStateSizes(cards: number, terminalCells: number): void {
    this.#state = { cards, terminalCells };
  }

  setRestoring(partitions: number): void {
    this.#restore.restoring = partitions;
  }

  restored(partitions: number, records: number, ms: number): void {
    this.#restore.partitions += partitions;
    this.#restore.records += records;
    this.#restore.seconds += ms / 1000;
  }

  deadLetter(stage: string): void {
    this.#totals.deadLetters++;
    this.#deadLettersByStage.set(stage, (this.#deadLettersByStage.get(stage) ?? 0) + 1);
  }

  setLag(topic: string, partition: number, lag: number): void {
    let partitions = this.#lag.get(topic);
    if (partitions === undefined) this.#lag.set(topic, (partitions = new Map<number, number>()));
    partitions.set(partition, lag);
  }

  clearLag(topic: string, partition: number): void {
    this.#lag.get(topic)?.delete(partition);
  }

  setModelVersion(version: string): void {
    this.#modelVersion = version;
  }

  setChallengerVersion(version: string | null): void {
    this.#challengerVersion = version;
  }

  modelChange(role: ModelRole, result: ModelChangeResult): void {
    this.#modelChanges[role][result]++;
  }

  /** The live-quality figures as last worked out. */
  setQuality(report: QualityReport): void {
    this.#quality = report;
  }

  /** Feature drift, worked out when a snapshot is taken (features × bins: cheap). */
  setDriftSource(report: () => DriftReport): void {
    this.#drift = report;
  }

  /** A decision made: explanations are counted, and the explained declines kept for the dashboard. */
  decided(decision: Decision): void {
    if (decision.explanation === null) return;
    this.#explanations++;
    this.#explained.record(decision);
  }

  challengerCall(outcome: ChallengerOutcome, rows: number, micros: number): void {
    this.#challengerRows[outcome] += rows;
    if (micros > 0) this.#challengerMicros += micros;
  }

  /** Starts swapping intervals every `intervalMs`. The timer does not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.rotate(), this.intervalMs);
    this.#timer.unref();
  }

  /** Closes the current interval now; `start()` calls it on a timer, a shutdown calls it once for final numbers. */
  rotate(): void {
    if (this.#closed) return;
    const now = this.#now();
    const durationMs = Math.max(now - this.#intervalStartedAt, 1);
    for (const name of LATENCY_NAMES) this.#latency[name].rotate();
    const previous = this.#atLastRotation;
    const current = copyTotals(this.#totals);
    this.#interval = { index: this.#interval.index + 1, startedAt: this.#intervalStartedAt, endedAt: now };
    this.#throughput = {
      inPerSecond: ((current.transactionsIn - previous.transactionsIn) * 1000) / durationMs,
      outPerSecond: ((current.decisionsOut - previous.decisionsOut) * 1000) / durationMs,
    };
    this.#history.push({
      index: this.#interval.index,
      endedAt: now,
      durationMs,
      ...this.#throughput,
      decisions: mapDecisions((action) => current.decisions[action] - previous.decisions[action]),
      degraded: current.degraded - previous.degraded,
      deadLetters: current.deadLetters - previous.deadLetters,
      latency: mapLatencies((name) => {
        const { count, p50, p99, p99_9, max } = this.#latency[name].stats('interval');
        return { count, p50, p99, p99_9, max };
      }),
    });
    this.#atLastRotation = current;
    this.#intervalStartedAt = now;
    this.#prepareInSlices();
  }

  /**
   * Encodes the new windows and computes their plots one histogram per event-loop turn (about 0.3 ms each), so
   * neither the rotation nor the first request after it blocks the loop for the sum (several ms). A request that
   * comes first computes what is missing itself.
   */
  #prepareInSlices(): void {
    const index = this.#interval.index;
    const slices = LATENCY_NAMES.flatMap((name) =>
      WINDOWS.map((window) => () => {
        this.#latency[name].encoded(window);
        this.#latency[name].distribution(window);
      }),
    );
    const next = (): void => {
      if (this.#closed || index !== this.#interval.index) return;
      slices.shift()?.();
      if (slices.length > 0) setImmediate(next);
    };
    setImmediate(next);
  }

  snapshot(options: SnapshotOptions = {}): LatencySnapshot {
    const now = this.#now();
    const window = (name: LatencyName, which: HistogramWindow): WindowSnapshot => {
      const histogram = this.#latency[name];
      const result: WindowSnapshot = { ...histogram.stats(which) };
      // After close() the WASM memory is gone: the summaries remain, the histograms themselves do not.
      if (this.#closed) return result;
      if (options.encoded ?? true) result.encoded = histogram.encoded(which);
      if (options.distribution ?? true) result.distribution = histogram.distribution(which);
      return result;
    };
    return {
      unit: 'us',
      takenAt: now,
      startedAt: this.#startedAt,
      uptimeSeconds: (now - this.#startedAt) / 1000,
      modelVersion: this.#modelVersion,
      models: {
        challengerVersion: this.#challengerVersion,
        changes: { champion: { ...this.#modelChanges.champion }, challenger: { ...this.#modelChanges.challenger } },
        challengerRows: { ...this.#challengerRows },
        challengerSeconds: this.#challengerMicros / 1e6,
      },
      quality: this.#quality,
      drift: this.#drift?.() ?? null,
      explanations: this.#explanations,
      explainedDeclines: this.#explained.snapshot(),
      intervalMs: this.intervalMs,
      interval: { ...this.#interval },
      latency: mapLatencies((name) => ({ cumulative: window(name, 'cumulative'), interval: window(name, 'interval') })),
      throughput: { ...this.#throughput },
      totals: {
        ...copyTotals(this.#totals),
        deadLettersByStage: Object.fromEntries(this.#deadLettersByStage),
      },
      consumerGroup: {
        rebalances: this.#rebalances,
        commits: { ...this.#commits },
        assignment: [...this.#assignment].map(([topic, partitions]) => ({ topic, partitions: [...partitions] })),
      },
      state: { ...this.#state },
      restore: { ...this.#restore },
      lag: [...this.#lag].flatMap(([topic, partitions]) =>
        [...partitions].sort(([a], [b]) => a - b).map(([partition, lag]) => ({ topic, partition, lag })),
      ),
      history: this.#history.toArray(),
    };
  }

  /** Stops the timer and frees the WASM histograms; later records are ignored. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const name of LATENCY_NAMES) this.#latency[name].destroy();
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function mapDecisions(value: (action: Action) => number): Record<Action, number> {
  return Object.fromEntries(ACTIONS.map((action) => [action, value(action)])) as Record<Action, number>;
}

function mapLatencies<T>(value: (name: LatencyName) => T): Record<LatencyName, T> {
  return Object.fromEntries(LATENCY_NAMES.map((name) => [name, value(name)])) as Record<LatencyName, T>;
}

function copyTotals(totals: Totals): Totals {
  return { ...totals, decisions: { ...totals.decisions }, degradedByReason: { ...totals.degradedByReason } };
}
