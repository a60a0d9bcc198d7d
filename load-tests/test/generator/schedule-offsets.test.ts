import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scheduleOffsets } from '../../src/generator/schedule-offsets.ts';

test('constant arrivals are evenly spaced at the rate', () => {
  assert.deepEqual([...scheduleOffsets(4, 500, 'constant', 1)], [0, 2, 4, 6]);
});

test('poisson arrivals average the rate and repeat for one seed', () => {
  const a = scheduleOffsets(20_000, 1000, 'poisson', 7);
  const b = scheduleOffsets(20_000, 1000, 'poisson', 7);
  assert.deepEqual(a, b);
  const meanGapMs = a[a.length - 1]! / (a.length - 1);
  assert.ok(Math.abs(meanGapMs - 1) < 0.03, `mean gap ${meanGapMs} ms`);
  assert.ok(a.every((v, i) => i === 0 || v >= a[i - 1]!));
  assert.notDeepEqual(a, scheduleOffsets(20_000, 1000, 'poisson', 8));
});
