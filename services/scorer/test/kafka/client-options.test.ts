import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retriesWithin, retryDelayMs } from '../../src/kafka/client-options.ts';

const waited = (attempts: number) =>
  Array.from({ length: attempts }, (_, i) => retryDelayMs(i + 1)).reduce((a, b) => a + b, 0);

test('retry waits double from 50 ms and stop growing at 2 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs), [50, 100, 200, 400, 800, 1600, 2000, 2000]);
});

test('a delivery timeout buys the fewest retries whose waits cover it', () => {
  for (const windowMs of [30_000, 120_000, 600_000]) {
    const retries = retriesWithin(windowMs);
    assert.ok(waited(retries) >= windowMs, `${retries} retries wait ${waited(retries)} ms, under ${windowMs}`);
    assert.ok(waited(retries - 1) < windowMs, `${retries - 1} retries would have been enough for ${windowMs} ms`);
  }
  assert.equal(retriesWithin(120_000), 65);
});

test('a short delivery timeout keeps the retries every client has', () => {
  assert.equal(retriesWithin(1_000), 10);
});
