import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, DecisionSet, verdictOf, type Verdict } from '../../src/chaos/decision-comparison.ts';

const v = (score: number, over: Partial<Verdict> = {}): Verdict => ({
  action: 'APPROVE',
  score,
  reasons: '',
  degraded: false,
  ...over,
});

function set(entries: [string, Verdict][]): DecisionSet {
  const s = new DecisionSet();
  for (const [id, verdict] of entries) s.add(id, verdict);
  return s;
}

test('a run that decided like the reference has nothing missing, duplicated or differing', () => {
  const ids = ['a', 'b', 'c'];
  const decisions: [string, Verdict][] = [
    ['a', v(0.1)],
    ['b', v(0.2)],
    ['c', v(0.9, { action: 'DECLINE', reasons: 'HIGH_MODEL_SCORE' })],
  ];
  const c = compareRuns(ids, set(decisions), set(decisions));
  assert.deepEqual(c.run, { decided: 3, missing: 0, duplicated: 0, duplicatesDiffering: 0, unknown: 0, degraded: 0 });
  assert.equal(c.compared, 3);
  assert.equal(c.differing, 0);
  assert.equal(c.maxScoreDifference, 0);
  assert.deepEqual(c.examples, []);
});

test('missing decisions are counted per run, and only transactions both decided are compared', () => {
  const c = compareRuns(
    ['a', 'b', 'c'],
    set([['a', v(0.1)]]),
    set([
      ['a', v(0.1)],
      ['b', v(0.2)],
    ]),
  );
  assert.equal(c.run.missing, 2);
  assert.equal(c.reference.missing, 1);
  assert.equal(c.compared, 1);
});

test('copies beyond the first are duplicates, and those unlike the first are counted apart', () => {
  const run = set([
    ['a', v(0.1)],
    ['a', v(0.1)],
    ['a', v(0.3)],
    ['b', v(0.2)],
  ]);
  const c = compareRuns(
    ['a', 'b'],
    run,
    set([
      ['a', v(0.1)],
      ['b', v(0.2)],
    ]),
  );
  assert.equal(c.run.duplicated, 2);
  assert.equal(c.run.duplicatesDiffering, 1);
  assert.equal(c.differing, 0, 'the first copy is the one compared');
});

test('verdicts that differ are counted by field, with the largest score difference and examples in input order', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const run = set([
    ['d', v(0.5)],
    ['a', v(0.25)],
    ['b', v(0.8, { action: 'DECLINE', reasons: 'HIGH_MODEL_SCORE' })],
    ['c', v(0.3, { degraded: true })],
  ]);
  const reference = set([
    ['a', v(0.5)],
    ['b', v(0.8, { action: 'REVIEW', reasons: 'HIGH_MODEL_SCORE,NEW_DEVICE' })],
    ['c', v(0.3)],
    ['d', v(0.5)],
  ]);
  const c = compareRuns(ids, run, reference, 2);
  assert.equal(c.differing, 3);
  assert.deepEqual(c.differingBy, { action: 1, score: 1, reasons: 1, degraded: 1 });
  assert.equal(c.maxScoreDifference, 0.25);
  assert.deepEqual(
    c.examples.map((e) => e.transactionId),
    ['a', 'b'],
  );
  assert.equal(c.run.degraded, 1);
});

test('a score differing in its last bit counts: scores must be equal exactly', () => {
  const score = 0.1 + 0.2;
  const c = compareRuns(['a'], set([['a', v(score)]]), set([['a', v(0.3)]]));
  assert.equal(c.differingBy.score, 1);
  assert.ok(c.maxScoreDifference > 0 && c.maxScoreDifference < 1e-15);
});

test('decisions of transactions the input does not have are counted as unknown', () => {
  const c = compareRuns(
    ['a'],
    set([
      ['a', v(0.1)],
      ['zz', v(0.2)],
    ]),
    set([['a', v(0.1)]]),
  );
  assert.equal(c.run.unknown, 1);
  assert.equal(c.run.decided, 1);
});

test('a verdict keeps the reason codes in their order', () => {
  const d = { action: 'REVIEW' as const, score: 0.4, reasons: ['NEW_DEVICE', 'HIGH_MODEL_SCORE'], degraded: false };
  assert.deepEqual(verdictOf(d), {
    action: 'REVIEW',
    score: 0.4,
    reasons: 'NEW_DEVICE,HIGH_MODEL_SCORE',
    degraded: false,
  });
  assert.notEqual(verdictOf(d).reasons, verdictOf({ ...d, reasons: ['HIGH_MODEL_SCORE', 'NEW_DEVICE'] }).reasons);
});
