import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { initHistogramRuntime } from '../../src/metrics/hdr.ts';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.ts';

before(initHistogramRuntime);

function histogram(t: { after: (fn: () => void) => void }): LatencyHistogram {
  const h = new LatencyHistogram();
  t.after(() => h.destroy());
  return h;
}

test('percentiles of 1..1000 µs are the known values, with an exact mean', (t) => {
  const h = histogram(t);
  for (let us = 1; us <= 1000; us++) h.record(us);
  h.rotate();
  const stats = h.stats('interval');
  assert.deepEqual(stats, {
    count: 1000,
    min: 1,
    mean: 500.5,
    max: 1000,
    p50: 500,
    p90: 900,
    p99: 990,
    p99_9: 999,
    p99_99: 1000,
    clamped: 0,
  });
});

test('values above 1024 µs keep three significant digits and no percentile exceeds the max', (t) => {
  const h = histogram(t);
  h.record(123_456);
  h.rotate();
  const stats = h.stats('interval');
  assert.equal(stats.max, 123_456);
  assert.equal(stats.p99_99, 123_456);
  assert.ok(Math.abs(stats.p50 - 123_456) / 123_456 < 0.001);
});

test('nothing shows before the first rotation, and an interval shows only what was recorded in it', (t) => {
  const h = histogram(t);
  h.record(100);
  assert.equal(h.stats('interval').count, 0);
  assert.equal(h.stats('cumulative').count, 0);
  h.rotate();
  h.record(300);
  h.record(300);
  h.rotate();
  assert.equal(h.stats('interval').count, 2);
  assert.equal(h.stats('interval').min, 300);
  assert.equal(h.stats('cumulative').count, 3);
  assert.equal(h.stats('cumulative').min, 100);
  assert.equal(h.stats('cumulative').mean, 700 / 3);
  h.rotate();
  assert.equal(h.stats('interval').count, 0, 'an empty interval is empty, not the previous one again');
  assert.equal(h.stats('cumulative').count, 3);
});

test('values above 60 s are clamped to 60 s and counted, negative and NaN values count as 0', (t) => {
  const h = histogram(t);
  h.record(70_000_000);
  h.record(Number.POSITIVE_INFINITY);
  h.record(-5);
  h.record(Number.NaN);
  h.rotate();
  const stats = h.stats('interval');
  assert.equal(stats.count, 4);
  assert.equal(stats.max, 60_000_000);
  assert.equal(stats.min, 0);
  assert.equal(stats.clamped, 2);
  assert.equal(h.stats('cumulative').clamped, 2);
});

test('a count records that many observations of the value', (t) => {
  const h = histogram(t);
  h.record(250, 64);
  h.record(10);
  h.rotate();
  assert.equal(h.stats('interval').count, 65);
  assert.equal(h.stats('interval').p50, 250);
  assert.equal(h.stats('interval').mean, (250 * 64 + 10) / 65);
});

test('the encoded window decodes to the same distribution', (t) => {
  const h = histogram(t);
  for (let us = 1; us <= 5000; us += 7) h.record(us);
  h.rotate();
  const decoded = decodeFromCompressedBase64(h.encoded('interval'), 64, false);
  const stats = h.stats('interval');
  assert.equal(decoded.totalCount, stats.count);
  assert.equal(Math.min(decoded.getValueAtPercentile(99), decoded.maxValue), stats.p99);
  assert.equal(h.encoded('cumulative'), h.encoded('interval'), 'one interval so far: both windows hold the same');
});

test('destroy is idempotent and later records are ignored', () => {
  const h = new LatencyHistogram();
  h.record(5);
  h.rotate();
  h.destroy();
  h.destroy();
  h.record(7);
  h.rotate();
  assert.equal(h.stats('cumulative').count, 1);
  assert.throws(() => h.encoded('cumulative'), /destroyed/);
});
