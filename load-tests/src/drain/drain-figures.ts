/** The drain targets: the scorer, the pass-through on the scorer's client, the pass-through on kafkajs. */
export type DrainTargetName = 'scorer' | 'pass-through' | 'pass-through-kafkajs';
export const DRAIN_TARGETS: readonly DrainTargetName[] = ['scorer', 'pass-through', 'pass-through-kafkajs'];

/** What one target's drain of the backlog measured: plain numbers, taken by the runner. */
export interface DrainMeasurement {
  /** Unique in a run: the target, and the Node version when it is not the run's own. */
  readonly label: string;
  readonly target: DrainTargetName;
  readonly client: 'platformatic' | 'kafkajs';
  readonly node: string;
  /** Run on --compare-node's binary rather than the run's own Node. */
  readonly onCompareNode: boolean;
  /** Records in the backlog. */
  readonly records: number;
  /** Output records counted when the drain was done (high watermarks): `records`, or more if some were written twice. */
  readonly outputs: number;
  /** Kafka timestamps (CreateTime, set by the target's producer) of its first and last output, epoch ms. */
  readonly firstOutputMs: number;
  readonly lastOutputMs: number;
  /** The child's own CPU time over the window from the last sample before its first output to the first after its last. */
  readonly cpuUs: number;
  readonly cpuWindowMs: number;
  /** From spawn to ready (joined its group): start-up, outside every figure. */
  readonly startUpMs: number;
  /** The 1-minute load average at the start and at the end of the drain: other work on the machine shows here. */
  readonly loadAverage1m: { readonly start: number; readonly end: number };
  /** Scorer only: decisions made by rules alone (the model skipped): should be 0, the deadline being raised. */
  readonly degraded?: number;
}

export interface DrainResult extends DrainMeasurement {
  /** Outputs after the first per second of first → last output; undefined if they share one millisecond. */
  readonly recordsPerSecond: number | undefined;
  readonly cpuUsPerRecord: number;
  /** CPU time over wall time of the CPU window: 1 = one core busy throughout. */
  readonly cores: number;
}

export function drainResult(m: DrainMeasurement): DrainResult {
  if (m.records < 1) throw new Error('a drain needs at least one record');
  const spanMs = m.lastOutputMs - m.firstOutputMs;
  return {
    ...m,
    recordsPerSecond: spanMs > 0 ? ((m.records - 1) * 1000) / spanMs : undefined,
    cpuUsPerRecord: m.cpuUs / m.records,
    cores: m.cpuWindowMs > 0 ? m.cpuUs / 1000 / m.cpuWindowMs : 0,
  };
}

/** Two drains of the same backlog side by side: `a` is the one with more work (scorer) or the newer client. */
export interface DrainComparison {
  readonly a: string;
  readonly b: string;
  /** What the pair shows. */
  readonly what: string;
  /** a's drain rate ÷ b's. */
  readonly rateRatio: number | undefined;
  /** a's CPU µs per record − b's: what a does per record on top of b. */
  readonly cpuUsPerRecordDelta: number;
  readonly cpuRatio: number | undefined;
}

export function compareDrains(a: DrainResult, b: DrainResult, what: string): DrainComparison {
  return {
    a: a.label,
    b: b.label,
    what,
    rateRatio:
      a.recordsPerSecond !== undefined && b.recordsPerSecond !== undefined && b.recordsPerSecond > 0
        ? a.recordsPerSecond / b.recordsPerSecond
        : undefined,
    cpuUsPerRecordDelta: a.cpuUsPerRecord - b.cpuUsPerRecord,
    cpuRatio: b.cpuUsPerRecord > 0 ? a.cpuUsPerRecord / b.cpuUsPerRecord : undefined,
  };
}

/**
 * The comparisons a run's results allow: scoring (scorer vs each pass-through on the run's Node), the client
 * (platformatic vs kafkajs pass-through) and the runtime (kafkajs pass-through on the run's Node vs another).
 */
export function drainComparisons(results: readonly DrainResult[]): DrainComparison[] {
  const own = (target: DrainTargetName) => results.find((r) => r.target === target && !r.onCompareNode);
  const scorer = own('scorer');
  const platformatic = own('pass-through');
  const kafkajs = own('pass-through-kafkajs');
  const out: DrainComparison[] = [];
  if (scorer && platformatic) out.push(compareDrains(scorer, platformatic, 'scoring, on the same client'));
  if (scorer && kafkajs) out.push(compareDrains(scorer, kafkajs, 'scoring and the client move'));
  if (platformatic && kafkajs) out.push(compareDrains(platformatic, kafkajs, 'the client: platformatic vs kafkajs'));
  for (const other of results.filter((r) => r.target === 'pass-through-kafkajs' && r.onCompareNode)) {
    if (kafkajs) out.push(compareDrains(kafkajs, other, `the runtime: node ${kafkajs.node} vs ${other.node}`));
  }
  return out;
}
