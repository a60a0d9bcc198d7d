import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { OpenLoopSender } from '../../src/generator/open-loop-sender.ts';
import type { Outgoing } from '../../src/generator/open-loop-sender.ts';
import type { PreparedRecord } from '../../src/generator/transaction-pool.ts';
import { FakeClock } from './fake-clock.ts';

function records(n: number): PreparedRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    transactionId: `t${i}`,
    key: Buffer.from(`c${i % 7}`),
    value: Buffer.from([i & 255]),
  }));
}

/** Evenly spaced intended times, `gapMs` apart. */
function offsets(n: number, gapMs: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i * gapMs);
}

test('sends each record at its intended time when acknowledgements are immediate', async () => {
  const clock = new FakeClock();
  const lags: number[] = [];
  const batches: Outgoing[][] = [];
  const sender = new OpenLoopSender({
    records: records(100),
    offsetsMs: offsets(100, 2),
    startUs: clock.us,
    send: (batch) => {
      batches.push([...batch]);
      return Promise.resolve();
    },
    maxInFlight: 4,
    maxBatch: 100,
    clock,
    lag: { record: (us) => lags.push(us) },
  });
  const report = await sender.run();
  assert.equal(report.sent, 100);
  assert.equal(report.acked, 100);
  assert.equal(lags.length, 100);
  assert.ok(Math.max(...lags) < 1000, `max lag ${Math.max(...lags)} µs`);
  assert.deepEqual(
    batches.flat().map((o) => o.seq),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.equal(batches[10]![0]!.intendedUs, 1_000_000_000 + 10 * 2 * 1000);
});

test('keeps sending on schedule while earlier requests are still unacknowledged', async () => {
  const clock = new FakeClock();
  const acks: (() => void)[] = [];
  let sentBeforeFirstAck = 0;
  const lags: number[] = [];
  const sender = new OpenLoopSender({
    records: records(50),
    offsetsMs: offsets(50, 1),
    startUs: clock.us,
    send: (batch) => {
      sentBeforeFirstAck += batch.length;
      return new Promise<void>((resolve) => acks.push(resolve));
    },
    maxInFlight: 1000,
    maxBatch: 10,
    clock,
    lag: { record: (us) => lags.push(us) },
  });
  const running = sender.run();
  while (sender.sent < 50) await setImmediate();
  assert.equal(sentBeforeFirstAck, 50);
  assert.equal(sender.acked, 0);
  assert.ok(Math.max(...lags) < 1000);
  for (const ack of acks) ack();
  const report = await running;
  assert.equal(report.acked, 50);
  assert.equal(report.inFlightFullWaits, 0);
});

test('a full in-flight window shows as lag and waits, and the due records go out together', async () => {
  const clock = new FakeClock();
  const sizes: number[] = [];
  const sender = new OpenLoopSender({
    records: records(200),
    offsetsMs: offsets(200, 1),
    startUs: clock.us,
    // Each request takes 50 ms of (virtual) time to be acknowledged, half of it while the sender waits.
    send: async (batch) => {
      sizes.push(batch.length);
      clock.us += 25_000;
      await setImmediate();
      clock.us += 25_000;
    },
    maxInFlight: 1,
    maxBatch: 1000,
    clock,
    lag: { record: () => {} },
  });
  const report = await sender.run();
  assert.equal(report.sent, 200);
  assert.ok(report.inFlightFullWaits > 0);
  assert.ok(report.inFlightFullUs >= 25_000, `waited ${report.inFlightFullUs} µs`);
  assert.ok(report.maxLagUs >= 40_000, `max lag ${report.maxLagUs}`);
  assert.ok(Math.max(...sizes) > 10, 'records due during the wait are batched');
});

test('leaves warm-up records out of the lag it records', async () => {
  const clock = new FakeClock();
  const lags: number[] = [];
  await new OpenLoopSender({
    records: records(20),
    offsetsMs: offsets(20, 1),
    startUs: clock.us,
    send: () => Promise.resolve(),
    maxInFlight: 1,
    maxBatch: 1,
    clock,
    lag: { record: (us) => lags.push(us) },
    lagFromMs: 15,
  }).run();
  assert.equal(lags.length, 5);
});

test('stops when the signal aborts and reports that it was stopped', async () => {
  const clock = new FakeClock();
  const abort = new AbortController();
  const sender = new OpenLoopSender({
    records: records(100),
    offsetsMs: offsets(100, 1),
    startUs: clock.us,
    send: (batch) => {
      if (batch.some((o) => o.seq === 9)) abort.abort();
      return Promise.resolve();
    },
    maxInFlight: 1,
    maxBatch: 1,
    clock,
    lag: { record: () => {} },
    signal: abort.signal,
  });
  const report = await sender.run();
  assert.equal(report.stoppedBy, 'signal');
  assert.equal(report.sent, 10);
});

test('fails with SEND_FAILED when a produce request fails', async () => {
  const clock = new FakeClock();
  const sender = new OpenLoopSender({
    records: records(10),
    offsetsMs: offsets(10, 1),
    startUs: clock.us,
    send: () => Promise.reject(new Error('broker gone')),
    maxInFlight: 2,
    maxBatch: 1,
    clock,
    lag: { record: () => {} },
  });
  await assert.rejects(sender.run(), { code: 'SEND_FAILED', message: /broker gone/ });
});
