import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { createWasmHistogram, HISTOGRAM_RANGE } from './hdr.ts';
import { EMPTY_STATS, percentileDistribution, summarize } from './histogram-stats.ts';
import type { DistributionPoint, HistogramStats } from './histogram-stats.ts';

export type HistogramWindow = 'cumulative' | 'interval';

const MAX_US = HISTOGRAM_RANGE.highestTrackableValue;

/**
 * One latency, recorded into the current interval; `rotate()` closes the interval, folds it into the cumulative
 * histogram and computes both summaries. Summaries therefore change once per interval, and the costly parts
 * (encoding, distribution) are computed at most once per interval, on first request.
 */
export class LatencyHistogram {
  #active = createWasmHistogram();
  #completed = createWasmHistogram();
  #cumulative = createWasmHistogram();
  #activeSum = 0;
  #activeClamped = 0;
  #cumulativeSum = 0;
  #cumulativeClamped = 0;
  #stats: Record<HistogramWindow, HistogramStats> = { cumulative: EMPTY_STATS, interval: EMPTY_STATS };
  #encoded: Partial<Record<HistogramWindow, string>> = {};
  #distribution: Partial<Record<HistogramWindow, DistributionPoint[]>> = {};
  #destroyed = false;

  record(us: number, count = 1): void {
    let value = us;
    if (!(value >= 0)) value = 0;
    else if (value > MAX_US) {
      value = MAX_US;
      this.#activeClamped += count;
    }
    if (this.#destroyed) return;
    if (count === 1) this.#active.recordValue(value);
    else this.#active.recordValueWithCount(value, count);
    this.#activeSum += value * count;
  }

  rotate(): void {
    if (this.#destroyed) return;
    const done = this.#active;
    this.#active = this.#completed;
    this.#active.reset();
    this.#completed = done;
    this.#cumulative.add(done);
    this.#cumulativeSum += this.#activeSum;
    this.#cumulativeClamped += this.#activeClamped;
    this.#stats = {
      interval: summarize(done, mean(this.#activeSum, done), this.#activeClamped),
      cumulative: summarize(this.#cumulative, mean(this.#cumulativeSum, this.#cumulative), this.#cumulativeClamped),
    };
    this.#activeSum = 0;
    this.#activeClamped = 0;
    this.#encoded = {};
    this.#distribution = {};
  }

  stats(window: HistogramWindow): HistogramStats {
    return this.#stats[window];
  }

  /** The window's histogram in HdrHistogram's compressed base64 form, which any HdrHistogram port can decode. */
  encoded(window: HistogramWindow): string {
    return (this.#encoded[window] ??= encodeIntoCompressedBase64(this.#histogram(window)));
  }

  distribution(window: HistogramWindow): DistributionPoint[] {
    return (this.#distribution[window] ??= percentileDistribution(this.#histogram(window)));
  }

  /** Frees the WASM memory; later records are ignored. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#active.destroy();
    this.#completed.destroy();
    this.#cumulative.destroy();
  }

  #histogram(window: HistogramWindow): Histogram {
    if (this.#destroyed) throw new Error('latency histogram is destroyed');
    return window === 'cumulative' ? this.#cumulative : this.#completed;
  }
}

function mean(sum: number, histogram: Histogram): number {
  const count = histogram.totalCount;
  return count === 0 ? 0 : sum / count;
}
