import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { LiveMetrics } from '../../src/metrics/live-metrics.ts';

async function metrics(t: TestContext, startMs = 1_000_000): Promise<{ m: LiveMetrics; clock: { now: number } }> {
  const clock = { now: startMs };
  const m = await LiveMetrics.create({ intervalMs: 10_000, historySize: 3, now: () => clock.now });
  t.after(() => m.close());
  return { m, clock };
}

test('throughput is the last interval’s count per second, decisions are counted by action', async (t) => {
  const { m, clock } = await metrics(t);
  m.transactionsIn(500);
  m.decision('APPROVE', null);
  m.decision('DECLINE', 'model-failed');
  m.decision('DECLINE', null);
  clock.now += 2_000;
  m.rotate();
  let s = m.snapshot();
  assert.deepEqual(s.throughput, { inPerSecond: 250, outPerSecond: 1.5 });
  assert.deepEqual(s.totals.decisions, { APPROVE: 1, REVIEW: 0, DECLINE: 2 });
  assert.equal(s.totals.decisionsOut, 3);
  assert.equal(s.totals.degraded, 1);
  assert.deepEqual(s.totals.degradedByReason, { 'model-failed': 1, deadline: 0 });

  m.transactionsIn(100);
  clock.now += 10_000;
  m.rotate();
  s = m.snapshot();
  assert.deepEqual(s.throughput, { inPerSecond: 10, outPerSecond: 0 });
  assert.equal(s.totals.transactionsIn, 600);
  assert.deepEqual(s.interval, { index: 2, startedAt: 1_002_000, endedAt: 1_012_000 });
  assert.deepEqual(
    s.history.map((p) => [p.index, p.inPerSecond, p.decisions.DECLINE, p.degraded]),
    [
      [1, 250, 2, 1],
      [2, 10, 0, 0],
    ],
  );
});

test('the history keeps the last intervals with their percentiles', async (t) => {
  const { m, clock } = await metrics(t);
  for (let i = 1; i <= 4; i++) {
    m.recordLatency('process', i * 100);
    clock.now += 10_000;
    m.rotate();
  }
  const { history } = m.snapshot();
  assert.deepEqual(
    history.map((p) => [p.index, p.latency.process.count, p.latency.process.p99, p.latency.e2e.count]),
    [
      [2, 1, 200, 0],
      [3, 1, 300, 0],
      [4, 1, 400, 0],
    ],
  );
});

test('each latency goes to its own histogram, in both windows', async (t) => {
  const { m } = await metrics(t);
  m.recordLatency('model_call', 800);
  m.recordLatency('model_row', 25, 32);
  m.recordLatency('process', 1_500);
  m.recordLatency('e2e', 2_500);
  m.rotate();
  const { latency } = m.snapshot();
  assert.equal(latency.model_call.interval.max, 800);
  assert.equal(latency.model_row.cumulative.count, 32);
  assert.equal(latency.process.cumulative.p50, 1_500);
  assert.equal(latency.e2e.interval.p99_99, 2_500);
  assert.ok(latency.e2e.interval.encoded && latency.e2e.interval.encoded.length > 0);
  assert.deepEqual(latency.e2e.interval.distribution?.at(-1), { percentile: 100, value: 2_500 });
});

test('the snapshot leaves out encodings and distributions when asked', async (t) => {
  const { m } = await metrics(t);
  m.recordLatency('process', 10);
  m.rotate();
  const { process } = m.snapshot({ encoded: false, distribution: false }).latency;
  assert.equal(process.cumulative.encoded, undefined);
  assert.equal(process.interval.distribution, undefined);
  assert.equal(process.interval.count, 1);
});

test('lag is listed per partition in order, and a revoked partition disappears', async (t) => {
  const { m } = await metrics(t);
  m.setLag('transactions', 2, 40);
  m.setLag('transactions', 0, 7);
  m.setLag('transactions', 0, 3);
  m.setLag('transaction-labels', 1, 0);
  m.clearLag('transactions', 2);
  assert.deepEqual(m.snapshot().lag, [
    { topic: 'transactions', partition: 0, lag: 3 },
    { topic: 'transaction-labels', partition: 1, lag: 0 },
  ]);
});

test('dead letters are counted by stage, the model version and uptime are reported', async (t) => {
  const { m, clock } = await metrics(t);
  assert.equal(m.snapshot().modelVersion, null);
  m.setModelVersion('gbt-2024-05');
  m.deadLetter('decode');
  m.deadLetter('decode');
  m.deadLetter('validate');
  clock.now += 90_500;
  const s = m.snapshot();
  assert.equal(s.modelVersion, 'gbt-2024-05');
  assert.equal(s.totals.deadLetters, 3);
  assert.deepEqual(s.totals.deadLettersByStage, { decode: 2, validate: 1 });
  assert.equal(s.uptimeSeconds, 90.5);
});

test('degraded decisions are counted by reason, and each reason adds to the degraded total', async (t) => {
  const { m, clock } = await metrics(t);
  m.decision('REVIEW', 'deadline');
  m.decision('APPROVE', 'deadline');
  m.decision('DECLINE', 'model-failed');
  m.decision('APPROVE', null);
  clock.now += 10_000;
  m.rotate();
  const s = m.snapshot();
  assert.deepEqual(s.totals.degradedByReason, { 'model-failed': 1, deadline: 2 });
  assert.equal(s.totals.degraded, 3);
  assert.equal(s.history.at(-1)?.degraded, 3);
});

test('the consumer group starts empty: no partitions, no rebalances, every commit result at 0', async (t) => {
  const { m } = await metrics(t);
  const s = m.snapshot();
  assert.deepEqual(s.consumerGroup, { rebalances: 0, commits: { ok: 0, stale: 0, failed: 0 }, assignment: [] });
  assert.deepEqual(s.state, { cards: 0, terminalCells: 0 });
});

test('rebalances and commits are counted, and the assignment is the latest one per topic, in order', async (t) => {
  const { m } = await metrics(t);
  m.rebalance();
  m.setAssignment('transactions', [3, 0, 5]);
  m.setAssignment('other', [1]);
  m.rebalance();
  m.setAssignment('transactions', [2, 0, 2]);
  m.commit('ok');
  m.commit('ok');
  m.commit('stale');
  m.commit('failed');
  let group = m.snapshot().consumerGroup;
  assert.equal(group.rebalances, 2);
  assert.deepEqual(group.commits, { ok: 2, stale: 1, failed: 1 });
  assert.deepEqual(group.assignment, [
    { topic: 'transactions', partitions: [0, 2] },
    { topic: 'other', partitions: [1] },
  ]);

  // A topic whose partitions all went elsewhere is not listed.
  m.setAssignment('other', []);
  group.assignment[0]?.partitions.push(99);
  group = m.snapshot().consumerGroup;
  assert.deepEqual(group.assignment, [{ topic: 'transactions', partitions: [0, 2] }], 'a snapshot is a copy');
});

test('the state sizes are the last ones reported', async (t) => {
  const { m } = await metrics(t);
  m.setStateSizes(10, 400);
  m.setStateSizes(12, 380);
  assert.deepEqual(m.snapshot().state, { cards: 12, terminalCells: 380 });
});

test('the timer rotates intervals on its own, once per interval however often it is started', async (t) => {
  const m = await LiveMetrics.create({ intervalMs: 20 });
  t.after(() => m.close());
  t.mock.timers.enable({ apis: ['setInterval'] });
  m.start();
  m.start();
  t.mock.timers.tick(100);
  assert.equal(m.snapshot().interval.index, 5);
});

test('after close, records are ignored and the snapshot keeps the summaries', async () => {
  const m = await LiveMetrics.create();
  m.recordLatency('process', 42);
  m.rotate();
  m.close();
  m.close();
  m.recordLatency('process', 43);
  m.rotate();
  const { process } = m.snapshot().latency;
  assert.equal(process.cumulative.count, 1);
  assert.equal(process.cumulative.encoded, undefined);
});

test('closing right after a rotation stops the background encoding before it touches freed memory', async () => {
  const m = await LiveMetrics.create();
  m.recordLatency('e2e', 900);
  m.rotate();
  m.close();
  // An encoding slice that ran after close() would throw "Cannot use a destroyed histogram" here.
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(m.snapshot().latency.e2e.cumulative.count, 1);
});
