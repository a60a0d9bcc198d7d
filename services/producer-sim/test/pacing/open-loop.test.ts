import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { runOpenLoop } from '../../src/pacing/open-loop.ts';
import type { Clock, OpenLoopOptions, ProgressReport, Scheduled } from '../../src/pacing/open-loop.ts';

/** Virtual time: sleeping advances it at once; a fake send can charge its own service time. */
class FakeClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
    await Promise.resolve();
  }
}

function every(gapMs: number, count: number): () => Scheduled<number> | undefined {
  let i = 0;
  return () => (i < count ? { item: i, at: gapMs * i++ } : undefined);
}

function options(clock: FakeClock, overrides: Partial<OpenLoopOptions<number>>): OpenLoopOptions<number> {
  return {
    source: every(10, 100),
    send: () => Promise.resolve(),
    clock,
    maxInFlight: 1000,
    maxBatch: 1000,
    durationMs: Infinity,
    behindMs: 100,
    reportEveryMs: 1000,
    onReport: () => undefined,
    ...overrides,
  };
}

test('every item goes out at its intended time while no send has been acknowledged', async () => {
  const clock = new FakeClock();
  const sentAt = new Map<number, number>();
  const release: (() => void)[] = [];
  const summary = await runOpenLoop(
    options(clock, {
      send: (batch) => {
        for (const item of batch) sentAt.set(item, clock.now());
        if (sentAt.size === 100) {
          // Every send so far is still unacknowledged: the schedule did not wait for acks.
          assert.equal(release.length, 99);
          setTimeout(() => release.forEach((r) => r()), 0);
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => release.push(resolve));
      },
    }),
  );
  for (let i = 0; i < 100; i++) assert.equal(sentAt.get(i), i * 10, `item ${i}`);
  assert.deepEqual(
    { sent: summary.sent, acked: summary.acked, maxLagMs: summary.maxLagMs },
    { sent: 100, acked: 100, maxLagMs: 0 },
  );
  assert.equal(summary.stoppedBy, 'source');
});

test('a sink slower than the schedule shows up as growing lag and a behind report, not as a lower target', async () => {
  const clock = new FakeClock();
  const reports: ProgressReport[] = [];
  const summary = await runOpenLoop(
    options(clock, {
      maxInFlight: 2,
      maxBatch: 1,
      reportEveryMs: 200,
      onReport: (r) => reports.push(r),
      // Each acknowledgement takes 50 ms: two in flight carry 40 items/s against a schedule of 100/s.
      send: async () => {
        await setImmediate();
        clock.t += 50;
      },
    }),
  );
  assert.equal(summary.acked, 100);
  assert.ok(summary.maxLagMs > 1000, `lag ${summary.maxLagMs} ms`);
  assert.ok(reports.some((r) => r.behind && r.maxLagMs > 100));
});

test('when behind, everything due goes out in one batch, so a slow sink with batching catches up', async () => {
  const clock = new FakeClock();
  const batchSizes: number[] = [];
  const summary = await runOpenLoop(
    options(clock, {
      maxInFlight: 1,
      send: async (batch) => {
        batchSizes.push(batch.length);
        await setImmediate();
        clock.t += 50;
      },
    }),
  );
  assert.equal(summary.acked, 100);
  assert.ok(Math.max(...batchSizes) >= 5, `batches ${batchSizes.join(',')}`);
  assert.ok(summary.maxLagMs <= 60, `lag ${summary.maxLagMs} ms stays within one service time`);
});

test('the run stops at its duration or on a signal and still waits for what is in flight', async () => {
  const clock = new FakeClock();
  let acked = 0;
  const timed = await runOpenLoop(
    options(clock, {
      durationMs: 55,
      send: async (batch) => {
        await setImmediate();
        acked += batch.length;
      },
    }),
  );
  assert.deepEqual(
    { stoppedBy: timed.stoppedBy, sent: timed.sent, acked: timed.acked },
    { stoppedBy: 'duration', sent: 6, acked: 6 },
  );
  assert.equal(acked, 6);

  const abort = new AbortController();
  const signalled = await runOpenLoop(
    options(new FakeClock(), {
      signal: abort.signal,
      send: (batch) => {
        if (batch.includes(20)) abort.abort();
        return Promise.resolve();
      },
    }),
  );
  assert.equal(signalled.stoppedBy, 'signal');
  assert.equal(signalled.sent, 21);
});

test('a failed send stops the run and surfaces its error after the other sends settle', async () => {
  const clock = new FakeClock();
  await assert.rejects(
    runOpenLoop(
      options(clock, {
        send: (batch) => (batch.includes(5) ? Promise.reject(new Error('broker gone')) : Promise.resolve()),
      }),
    ),
    /broker gone/,
  );
});
