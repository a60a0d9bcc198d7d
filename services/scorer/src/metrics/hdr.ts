import { build, initWebAssembly } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** 1 µs to 60 s at 3 significant digits: the range every scorer instance uses, so their histograms merge. */
export const HISTOGRAM_RANGE = Object.freeze({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
} as const);

/** Loads the WebAssembly module once per process; building a WASM histogram before this throws. */
export async function initHistogramRuntime(): Promise<void> {
  await initWebAssembly();
}

/**
 * A WASM histogram with a fixed range and 64-bit counts (32-bit ones overflow after hours at tens of thousands a
 * second): `autoResize` off, so its footprint is known and values are clamped by the
 * caller instead of growing it. WASM memory is not garbage collected: `destroy()` it when done.
 */
export function createWasmHistogram(): Histogram {
  return build({ ...HISTOGRAM_RANGE, bitBucketSize: 64, autoResize: false, useWebAssembly: true });
}
