import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleDecision } from '../../../../schemas/test/fixtures.ts';
import type { FeatureContribution } from '../../../../schemas/src/types.ts';
import { ExplainedDeclines } from '../../src/metrics/explained-declines.ts';

function decline(i: number, contributions: FeatureContribution[]) {
  return sampleDecision({
    transactionId: `t${i}`,
    action: 'DECLINE',
    explanation: { expectedValue: -4, margin: 2, contributions },
  });
}
const c = (feature: string, contribution: number): FeatureContribution => ({ feature, value: 1, contribution });

test('the latest explained declines come newest first, and only declines with an explanation count', () => {
  const kept = new ExplainedDeclines({ keep: 3, show: 2 });
  kept.record(sampleDecision({ action: 'DECLINE' }));
  kept.record(sampleDecision({ action: 'REVIEW', explanation: { expectedValue: 0, margin: 0, contributions: [] } }));
  for (let i = 0; i < 5; i++) kept.record(decline(i, [c('amount', 1)]));
  const s = kept.snapshot();
  assert.equal(s.total, 5);
  assert.equal(s.held, 3);
  assert.deepEqual(
    s.latest.map((d) => d.transactionId),
    ['t4', 't3'],
  );
});

test('drivers: the share of the held declines listing a feature, and its mean contribution where listed', () => {
  const kept = new ExplainedDeclines({ keep: 4 });
  kept.record(decline(0, [c('terminal_risk_7d', 3), c('amount', 1)]));
  kept.record(decline(1, [c('terminal_risk_7d', 2)]));
  kept.record(decline(2, [c('amount', -1), c('is_night', 0.5)]));
  kept.record(decline(3, [c('terminal_risk_7d', 4), c('is_night', 0.25)]));
  assert.deepEqual(kept.snapshot().drivers, [
    { feature: 'terminal_risk_7d', share: 0.75, meanContribution: 3 },
    { feature: 'is_night', share: 0.5, meanContribution: 0.375 },
    { feature: 'amount', share: 0.5, meanContribution: 0 },
  ]);
});
