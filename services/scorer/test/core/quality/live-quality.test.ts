import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averagePrecision, cardPrecisionAtK, LiveQuality } from '../../../src/core/quality/live-quality.ts';
import type { QualityDecision } from '../../../src/core/quality/live-quality.ts';

const DAY = 86_400_000;

function decision(i: number, overrides: Partial<QualityDecision> = {}): QualityDecision {
  return {
    transactionId: `t${i}`,
    cardId: `c${i % 5}`,
    eventTime: DAY * 10 + i * 1000,
    modelVersion: 'm1',
    score: 0.1,
    action: 'APPROVE',
    degraded: false,
    challenger: null,
    ...overrides,
  };
}

test('average precision takes tied scores together, as scikit-learn does', () => {
  // Scores 0.9 (fraud), 0.5 (fraud), 0.5 (genuine), 0.1 (genuine): at 0.9 R=1/2 P=1; at 0.5 R=1 P=2/3.
  assert.equal(averagePrecision([0.9, 0.5, 0.5, 0.1], [true, true, false, false]), 0.5 * 1 + 0.5 * (2 / 3));
  // Order within a tie does not matter.
  assert.equal(averagePrecision([0.9, 0.5, 0.5, 0.1], [true, false, true, false]), 0.5 + 1 / 3);
});

test('card precision@k ranks cards per day by their highest score and leaves found cards out of later days', () => {
  const rows = [
    { card: 'a', eventTime: 0, score: 0.9 },
    { card: 'a', eventTime: 1, score: 0.2 },
    { card: 'b', eventTime: 2, score: 0.8 },
    { card: 'c', eventTime: 3, score: 0.7 },
    { card: 'a', eventTime: DAY, score: 0.95 },
    { card: 'b', eventTime: DAY, score: 0.1 },
  ];
  // Day 0, k = 2: a (fraud through its second transaction) and b (genuine): 1/2. Day 1: a is found, left out;
  // b (fraud now) is the top card: 1/2 again (hits / k, as the Handbook divides by k).
  const fraud = [false, true, false, false, false, true];
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
  assert.equal(cardPrecisionAtK(column('card'), column('eventTime'), column('score'), fraud, 2), 0.5);
});

test('figures per model and role over the event-time window, joined to labels that came before or after', () => {
  const q = new LiveQuality({
    windowMs: DAY,
    labelDelayMs: 10_000,
    k: 100,
    maxDecisions: 1000,
    thresholdsOf: (v) => (v === 'x' ? { review: 0.4, decline: 0.8 } : undefined),
  });
  q.label('t1');
  q.record(decision(0, { action: 'DECLINE', score: 0.9 }));
  q.record(decision(1, { action: 'DECLINE', score: 0.95, challenger: { modelVersion: 'x', score: 0.85 } }));
  q.record(decision(2, { action: 'REVIEW', score: 0.5, challenger: { modelVersion: 'x', score: 0.5 } }));
  q.record(decision(3, { degraded: true, action: 'REVIEW' }));
  q.record(decision(4, { challenger: { modelVersion: 'x', score: 0.1 } }));
  q.record(decision(5, { challenger: { modelVersion: 'unknown', score: 0.9 } }));
  q.label('t2');
  q.label('t4');
  const report = q.report();
  assert.deepEqual(report.window, { start: DAY * 10 + 5000 - DAY, end: DAY * 10 + 5000 });
  const [champion, challenger] = report.models;
  assert.deepEqual(
    { ...champion },
    {
      role: 'champion',
      version: 'm1',
      rows: 5,
      frauds: 3,
      declineRecall: 1 / 3,
      declinePrecision: 1 / 2,
      flaggedRecall: 2 / 3,
      flaggedPrecision: 2 / 3,
      falsePositiveRate: 1 / 2,
      averagePrecision: averagePrecision([0.9, 0.95, 0.5, 0.1, 0.1], [false, true, true, true, false]),
      cardPrecisionAtK: 3 / 100,
      labelledShare: 0,
    },
  );
  assert.equal(challenger!.role, 'challenger');
  assert.equal(challenger!.rows, 3, 'a challenger with no known thresholds is left out');
  assert.equal(challenger!.declineRecall, 1 / 3);
  assert.equal(challenger!.flaggedPrecision, 1);
  assert.equal(report.models.length, 2);
});

test('a decision made twice counts once, as the last; old and excess decisions are dropped', () => {
  const q = new LiveQuality({ windowMs: 10_000, labelDelayMs: 0, maxDecisions: 3, thresholdsOf: () => undefined });
  q.record(decision(0, { action: 'DECLINE' }));
  q.record(decision(0, { action: 'APPROVE' }));
  assert.equal(q.held, 1);
  assert.equal(q.report().models[0]!.declinePrecision, null, 'the second decision replaced the first');
  for (let i = 1; i <= 5; i++) q.record(decision(i));
  assert.equal(q.held, 3, 'at most maxDecisions');
  q.record(decision(100));
  assert.equal(q.held, 1, 'older than the window: dropped');
  assert.equal(q.report().models[0]!.labelledShare, 1);
});
