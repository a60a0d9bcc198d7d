import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KILL_WINDOW, planFaults, RESTART_WINDOW, type FaultPlanOptions } from '../../src/chaos/fault-plan.ts';

const options: FaultPlanOptions = {
  seed: 42,
  streamMs: 133_000,
  kills: 20,
  brokerRestarts: 1,
  rollingRestarts: 1,
  brokerDownMs: 10_000,
  restartDelayMs: { min: 500, max: 3_000 },
};

test('a fault plan has the asked number of each fault, in time order, all due while the stream is sent', () => {
  const plan = planFaults(options);
  assert.equal(plan.filter((s) => s.kind === 'kill').length, 20);
  assert.equal(plan.filter((s) => s.kind === 'broker').length, 1);
  assert.equal(plan.filter((s) => s.kind === 'rolling').length, 1);
  for (let i = 1; i < plan.length; i++) assert.ok(plan[i - 1]!.atMs <= plan[i]!.atMs, 'sorted by time');
  for (const step of plan) {
    const window = step.kind === 'kill' ? KILL_WINDOW : RESTART_WINDOW;
    assert.ok(step.atMs >= options.streamMs * window.from && step.atMs <= options.streamMs * window.to, step.kind);
    if (step.kind === 'kill') {
      assert.ok(step.pick >= 0 && step.pick < 1);
      assert.ok(step.restartAfterMs >= 500 && step.restartAfterMs <= 3_000);
    }
    if (step.kind === 'broker') assert.equal(step.downMs, 10_000);
  }
});

test('a seed names one plan: the same seed gives the same plan, another seed other moments and victims', () => {
  assert.deepEqual(planFaults(options), planFaults({ ...options }));
  const other = planFaults({ ...options, seed: 43 });
  assert.notDeepEqual(
    other.map((s) => s.atMs),
    planFaults(options).map((s) => s.atMs),
  );
});

test('kills fall at scattered moments, not on a grid', () => {
  const times = planFaults({ ...options, brokerRestarts: 0, rollingRestarts: 0 }).map((s) => s.atMs);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(new Set(gaps).size > 10, `gaps ${gaps.join(',')}`);
});

test('broker and rolling restarts are spread apart and interleaved by kind', () => {
  const kinds = (brokerRestarts: number, rollingRestarts: number) =>
    planFaults({ ...options, kills: 0, brokerRestarts, rollingRestarts }).map((s) => s.kind);
  assert.deepEqual(kinds(1, 1), ['broker', 'rolling']);
  assert.deepEqual(kinds(2, 1), ['broker', 'rolling', 'broker']);
  assert.deepEqual(kinds(0, 1), ['rolling']);
  const [first, second] = planFaults({ ...options, kills: 0 });
  // Spacing 30% of the stream, each shifted by at most a quarter of it: at least 15% apart.
  assert.ok(second!.atMs - first!.atMs >= options.streamMs * 0.15 - 1);
});

test('freezes join the broker and rolling restarts, each with a victim draw and its length, and move no other fault', () => {
  const without = planFaults(options);
  const plan = planFaults({ ...options, freezes: 1, freezeMs: 25_000 });
  const freezes = plan.filter((s) => s.kind === 'freeze');
  assert.equal(freezes.length, 1);
  const freeze = freezes[0]!;
  assert.ok(freeze.kind === 'freeze' && freeze.forMs === 25_000 && freeze.pick >= 0 && freeze.pick < 1);
  assert.ok(
    freeze.atMs >= options.streamMs * RESTART_WINDOW.from && freeze.atMs <= options.streamMs * RESTART_WINDOW.to,
  );
  assert.deepEqual(
    plan.filter((s) => s.kind === 'kill'),
    without.filter((s) => s.kind === 'kill'),
  );
  assert.deepEqual(
    plan.filter((s) => s.kind !== 'kill').map((s) => s.kind),
    ['broker', 'rolling', 'freeze'],
  );
  assert.throws(() => planFaults({ ...options, freezes: -1 }), RangeError);
});

test('a plan with no faults is empty, and impossible options are refused', () => {
  assert.deepEqual(planFaults({ ...options, kills: 0, brokerRestarts: 0, rollingRestarts: 0 }), []);
  assert.throws(() => planFaults({ ...options, kills: -1 }), RangeError);
  assert.throws(() => planFaults({ ...options, kills: 1.5 }), RangeError);
  assert.throws(() => planFaults({ ...options, streamMs: 0 }), RangeError);
  assert.throws(() => planFaults({ ...options, restartDelayMs: { min: 5, max: 1 } }), RangeError);
});
