import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { HISTOGRAM_RANGE, initHistogramRuntime } from '../../../services/scorer/src/metrics/hdr.ts';
import { histogramDelta, LatencyHistogram, statsOf } from '../../src/measure/histograms.ts';

before(async () => {
  await initHistogramRuntime();
});

function encoded(values: number[]): string {
  const h = build({ ...HISTOGRAM_RANGE, bitBucketSize: 64, autoResize: true, useWebAssembly: false });
  for (const v of values) h.recordValue(v);
  return encodeIntoCompressedBase64(h);
}

test('the delta of two cumulative snapshots holds only what was recorded between them', () => {
  const earlier = [100, 200, 50_000];
  const later = [...earlier, 1_000, 2_000, 3_000];
  const delta = statsOf(histogramDelta(encoded(earlier), encoded(later)));
  assert.equal(delta.count, 3);
  assert.ok(Math.abs(delta.p50 - 2_000) <= 2, `p50 ${delta.p50}`);
  assert.ok(Math.abs(delta.mean - 2_000) <= 2, `mean ${delta.mean}`);
  assert.ok(delta.max >= 3_000 && delta.max < 3_010, `max ${delta.max}: the earlier 50 ms is not in the delta`);
  assert.equal(statsOf(histogramDelta(undefined, encoded(later))).count, 6);
});

test('clamps observations to the 1 µs to 60 s range instead of throwing, and counts the clamped', () => {
  const h = new LatencyHistogram();
  try {
    h.record(-5);
    h.record(0.2);
    h.record(1_500);
    h.record(90_000_000);
    const s = h.stats();
    assert.equal(s.count, 4);
    assert.equal(s.clamped, 1);
    assert.ok(s.max >= 60_000_000 && s.max < 60_100_000);
    assert.match(h.hgrm(), /Value\s+Percentile\s+TotalCount/);
  } finally {
    h.destroy();
  }
});
