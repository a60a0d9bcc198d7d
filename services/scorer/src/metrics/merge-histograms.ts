import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { HISTOGRAM_RANGE } from './hdr.ts';
import { summarize } from './histogram-stats.ts';
import type { HistogramStats } from './histogram-stats.ts';

export interface MergedHistogram {
  /** `clamped` is 0: clamping is known only to the instance that recorded. */
  stats: HistogramStats;
  encoded: string;
}

/**
 * Merges the encoded histograms of several instances (the `encoded` fields of their `/api/latency`) into one
 * distribution. Pure JavaScript histograms: no WASM runtime to initialise and nothing to free.
 */
export function mergeEncodedHistograms(encoded: readonly string[]): MergedHistogram {
  const merged = build({ ...HISTOGRAM_RANGE, bitBucketSize: 64, autoResize: true, useWebAssembly: false });
  for (const text of encoded) merged.add(decodeFromCompressedBase64(text, 64, false));
  return { stats: summarize(merged, merged.mean, 0), encoded: encodeIntoCompressedBase64(merged) };
}
