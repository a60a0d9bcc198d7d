import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistoryRing } from '../../src/metrics/history-ring.ts';

test('the ring keeps the last items, oldest first', () => {
  const ring = new HistoryRing<number>(3);
  for (let i = 1; i <= 5; i++) ring.push(i);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
});

test('the ring returns a copy that later pushes do not change', () => {
  const ring = new HistoryRing<number>(2);
  ring.push(1);
  const before = ring.toArray();
  ring.push(2);
  assert.deepEqual(before, [1]);
});

test('a ring without capacity is refused', () => {
  assert.throws(() => new HistoryRing(0), RangeError);
});
