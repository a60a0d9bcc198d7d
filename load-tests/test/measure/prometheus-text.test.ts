import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricSum } from '../../src/measure/prometheus-text.ts';

const TEXT = `# HELP scorer_decisions_degraded_total Decisions made without the model.
# TYPE scorer_decisions_degraded_total counter
scorer_decisions_degraded_total{reason="model-failed"} 1
scorer_decisions_degraded_total{reason="deadline"} 3 1700000000000
scorer_decisions_degraded_totally 100
scorer_decisions_total{action="APPROVE"} 1990
scorer_decisions_total{action="DECLINE",note="a } in a label"} 10
scorer_up 1
`;

test('a metric is the sum of its samples over every label set, and no other metric with its prefix', () => {
  assert.equal(metricSum(TEXT, 'scorer_decisions_degraded_total'), 4);
  assert.equal(metricSum(TEXT, 'scorer_decisions_total'), 2000);
  assert.equal(metricSum(TEXT, 'scorer_up'), 1);
});

test('a metric the text does not hold is undefined, not zero', () => {
  assert.equal(metricSum(TEXT, 'scorer_dead_letters_total'), undefined);
  assert.equal(metricSum('', 'scorer_up'), undefined);
});
