import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'hdr-histogram-js';
import { HISTOGRAM_RANGE } from '../../src/metrics/hdr.ts';
import { percentileDistribution, summarize } from '../../src/metrics/histogram-stats.ts';

const jsHistogram = () => build({ ...HISTOGRAM_RANGE, useWebAssembly: false });

test('an empty histogram summarises to zeros and has no distribution', () => {
  const h = jsHistogram();
  assert.deepEqual(summarize(h, 0, 3), {
    count: 0,
    min: 0,
    mean: 0,
    max: 0,
    p50: 0,
    p90: 0,
    p99: 0,
    p99_9: 0,
    p99_99: 0,
    clamped: 3,
  });
  assert.deepEqual(percentileDistribution(h), []);
});

test('the distribution is spaced evenly per decade of nines, non-decreasing, and ends at 100% with the max', () => {
  const h = jsHistogram();
  for (let us = 1; us <= 10_000; us++) h.recordValue(us);
  const points = percentileDistribution(h);
  const percentiles = points.map((p) => p.percentile);
  // 10,000 observations resolve four nines: 5 steps per decade, 0 to 20, then the 100% point.
  assert.equal(points.length, 22);
  assert.equal(percentiles[0], 0);
  assert.ok(Math.abs(percentiles[5]! - 90) < 1e-9);
  assert.ok(Math.abs(percentiles[10]! - 99) < 1e-9);
  assert.ok(Math.abs(percentiles[20]! - 99.99) < 1e-9);
  assert.deepEqual(points.at(-1), { percentile: 100, value: 10_000 });
  for (let i = 1; i < points.length; i++) assert.ok(points[i]!.value >= points[i - 1]!.value);
  // 3 significant digits: the 99% point is 9,900 give or take 0.1%.
  assert.ok(points[10]!.value >= 9_900 && points[10]!.value < 9_900 * 1.001, `p99 ${points[10]!.value}`);
});

test('a zero observation makes the minimum 0', () => {
  const h = jsHistogram();
  h.recordValue(0);
  h.recordValue(40);
  assert.equal(summarize(h, 20, 0).min, 0);
});
