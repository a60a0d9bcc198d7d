import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initHistogramRuntime } from '../../src/metrics/hdr.ts';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.ts';
import { mergeEncodedHistograms } from '../../src/metrics/merge-histograms.ts';

before(initHistogramRuntime);

function encodedOf(values: readonly number[]): string {
  const h = new LatencyHistogram();
  try {
    for (const v of values) h.record(v);
    h.rotate();
    return h.encoded('cumulative');
  } finally {
    h.destroy();
  }
}

test('merging the histograms of two instances equals one histogram of all their values', () => {
  const a = Array.from({ length: 900 }, (_, i) => 100 + i);
  const b = Array.from({ length: 100 }, (_, i) => 50_000 + i * 10);
  const merged = mergeEncodedHistograms([encodedOf(a), encodedOf(b)]);
  const single = mergeEncodedHistograms([encodedOf([...a, ...b])]);
  assert.equal(merged.stats.count, 1000);
  assert.equal(merged.stats.min, 100);
  // A decoded histogram knows values to 3 significant digits, no longer exactly.
  assert.ok(Math.abs(merged.stats.max - 50_990) < 50_990 * 0.001, `max ${merged.stats.max}`);
  assert.deepEqual(merged.stats, single.stats);
  // p90 falls on the last of a's values, p99 inside b's.
  assert.equal(merged.stats.p90, 999);
  assert.ok(merged.stats.p99 >= 50_000);
});

test('the merged encoding round-trips and merging nothing gives an empty histogram', () => {
  const merged = mergeEncodedHistograms([encodedOf([5, 6, 7])]);
  assert.deepEqual(mergeEncodedHistograms([merged.encoded]).stats, merged.stats);
  assert.equal(mergeEncodedHistograms([]).stats.count, 0);
});
