import type { Histogram } from 'hdr-histogram-js';

/** Summary of one histogram window, in microseconds. Percentiles are HDR values (3 significant digits). */
export interface HistogramStats {
  count: number;
  min: number;
  mean: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  p99_99: number;
  /** Observations above the histogram's range, recorded as its highest value. */
  clamped: number;
}

/** One point of the percentile distribution plot: `value` µs at `percentile` (0 to 100). */
export interface DistributionPoint {
  percentile: number;
  value: number;
}

export const EMPTY_STATS: Readonly<HistogramStats> = Object.freeze({
  count: 0,
  min: 0,
  mean: 0,
  max: 0,
  p50: 0,
  p90: 0,
  p99: 0,
  p99_9: 0,
  p99_99: 0,
  clamped: 0,
});

/**
 * `mean` is given by the caller when it kept the exact sum: the histogram's own mean walks every bucket (about
 * 0.3 ms on WASM), the sum costs one addition per record.
 */
export function summarize(histogram: Histogram, mean: number, clamped: number): HistogramStats {
  const count = histogram.totalCount;
  if (count === 0) return { ...EMPTY_STATS, clamped };
  const max = histogram.maxValue;
  // A percentile is the highest value equivalent to its bucket, so it can exceed the exact max by < 0.1%.
  const at = (p: number): number => Math.min(histogram.getValueAtPercentile(p), max);
  return {
    count,
    min: at(0) === 0 ? 0 : histogram.minNonZeroValue,
    mean,
    max,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p99_9: at(99.9),
    p99_99: at(99.99),
    clamped,
  };
}

const STEPS_PER_DECADE = 5;
const MAX_DECADES = 6;

/**
 * Points for HdrHistogram's percentile plot: x = 1/(1-p) on a log axis, so percentiles are spaced evenly per
 * decade of "nines" (0, 36.9, 60.2, ... 90, ... 99, ... 99.9 ...). Stops where the histogram runs out of
 * observations to tell percentiles apart; the max closes the curve.
 */
export function percentileDistribution(histogram: Histogram): DistributionPoint[] {
  const count = histogram.totalCount;
  if (count === 0) return [];
  const max = histogram.maxValue;
  const points: DistributionPoint[] = [];
  for (let step = 0; step <= STEPS_PER_DECADE * MAX_DECADES; step++) {
    const inverse = 10 ** (step / STEPS_PER_DECADE);
    if (inverse > count) break;
    const percentile = 100 * (1 - 1 / inverse);
    points.push({ percentile, value: Math.min(histogram.getValueAtPercentile(percentile), max) });
  }
  points.push({ percentile: 100, value: max });
  return points;
}
