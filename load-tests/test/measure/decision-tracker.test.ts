import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecisionTracker } from '../../src/measure/decision-tracker.ts';
import { MatchRegistry } from '../../src/measure/match-registry.ts';

function tracker(ids: string[], intended: number[], measureFromUs: number, recorded: number[] = []): DecisionTracker {
  return new DecisionTracker(ids, Float64Array.from(intended), measureFromUs, { record: (us) => recorded.push(us) });
}

test('records intended send → consumed latency only for transactions intended after the warm-up', () => {
  const recorded: number[] = [];
  const t = tracker(['a', 'b', 'c'], [1_000, 2_000, 3_000], 2_000, recorded);
  for (let i = 0; i < 3; i++) t.markSent(i);
  t.consumed('a', 5_000);
  t.consumed('b', 5_500);
  t.consumed('c', 9_000);
  assert.deepEqual(recorded, [3_500, 6_000]);
  const c = t.counts();
  assert.equal(c.decided, 3);
  assert.equal(c.measured, 2);
  assert.equal(c.firstMeasuredUs, 5_500);
  assert.equal(c.lastMeasuredUs, 9_000);
  assert.equal(t.complete, true);
});

test('counts a second output for a transaction as a duplicate, not as another decision', () => {
  const recorded: number[] = [];
  const t = tracker(['a', 'b'], [0, 0], 0, recorded);
  t.markSent(0);
  t.markSent(1);
  t.consumed('a', 10);
  t.consumed('a', 20);
  const c = t.counts();
  assert.equal(c.decided, 1);
  assert.equal(c.duplicates, 1);
  assert.equal(c.missing, 1);
  assert.equal(recorded.length, 1);
  assert.equal(t.complete, false);
});

test('counts only sent transactions as missing', () => {
  const t = tracker(['a', 'b', 'c'], [0, 0, 0], 0);
  t.markSent(0);
  t.markSent(1);
  t.markSent(1);
  t.consumed('b', 1);
  const c = t.counts();
  assert.equal(c.expected, 3);
  assert.equal(c.sent, 2);
  assert.equal(c.missing, 1);
});

test('answers false for a transaction id that is not its own', () => {
  const t = tracker(['a'], [0], 0);
  assert.equal(t.consumed('zzz', 1), false);
  assert.equal(t.counts().decided, 0);
});

test('refuses duplicate transaction ids in one phase', () => {
  assert.throws(() => tracker(['a', 'a'], [0, 1], 0), RangeError);
});

test('routes each output to the phase that sent it and counts strangers as unknown', () => {
  const first = tracker(['a', 'b'], [0, 0], 0);
  const second = tracker(['c'], [0], 0);
  const registry = new MatchRegistry();
  registry.register(first);
  registry.register(second);
  registry.consumed('c', 1);
  registry.consumed('a', 1);
  registry.consumed('nobody', 1);
  assert.equal(first.counts().decided, 1);
  assert.equal(second.counts().decided, 1);
  assert.deepEqual(registry.totals, { consumed: 3, unknown: 1 });
  assert.throws(() => registry.register(tracker(['a'], [0], 0)), RangeError);
});
