import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { createWasmHistogram, HISTOGRAM_RANGE } from '../../../services/scorer/src/metrics/hdr.ts';
import { summarize } from '../../../services/scorer/src/metrics/histogram-stats.ts';
import type { HistogramStats } from '../../../services/scorer/src/metrics/histogram-stats.ts';
import type { LatencyRecorder } from '../generator/open-loop-sender.ts';

export type { HistogramStats };

/**
 * A WASM HDR histogram in microseconds (1 µs to 60 s, 3 digits, the scorer's range) that clamps instead of
 * throwing, and keeps the exact sum for the mean. Call `initHistogramRuntime()` once first; `destroy()` frees it.
 */
export class LatencyHistogram implements LatencyRecorder {
  readonly histogram: Histogram = createWasmHistogram();
  #sum = 0;
  #clamped = 0;

  record(us: number): void {
    let value = Math.round(us);
    if (!(value >= 1)) value = 1;
    else if (value > HISTOGRAM_RANGE.highestTrackableValue) {
      value = HISTOGRAM_RANGE.highestTrackableValue;
      this.#clamped++;
    }
    this.histogram.recordValue(value);
    this.#sum += value;
  }

  stats(): HistogramStats {
    const count = this.histogram.totalCount;
    return summarize(this.histogram, count === 0 ? 0 : this.#sum / count, this.#clamped);
  }

  /** HdrHistogram's percentile distribution text (`.hgrm`), values in milliseconds as its plotter expects. */
  hgrm(): string {
    return this.histogram.outputPercentileDistribution(5, 1000);
  }

  destroy(): void {
    this.histogram.destroy();
  }
}

/**
 * `after - before` of two encoded cumulative histograms (the scorer's `/api/latency`): what was recorded
 * between the two snapshots. Pure JavaScript histograms, nothing to free.
 */
export function histogramDelta(beforeEncoded: string | undefined, afterEncoded: string): Histogram {
  const after = decodeFromCompressedBase64(afterEncoded, 64, false);
  const delta = build({ ...HISTOGRAM_RANGE, bitBucketSize: 64, autoResize: true, useWebAssembly: false });
  delta.add(after);
  if (beforeEncoded !== undefined) delta.subtract(decodeFromCompressedBase64(beforeEncoded, 64, false));
  return delta;
}

export function statsOf(histogram: Histogram): HistogramStats {
  return summarize(histogram, histogram.totalCount === 0 ? 0 : histogram.mean, 0);
}
