import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_STATS } from '../../../services/scorer/src/metrics/histogram-stats.ts';
import type { PhaseResult } from '../../src/run/phase-runner.ts';
import { highestSustainableRate, judgeStep } from '../../src/run/sweep-verdict.ts';

function step(rate: number, p99Ms: number, missing = 0, lagP99Ms = 1): PhaseResult {
  return {
    target: 'scorer',
    label: 'sweep',
    rate,
    arrivals: 'constant',
    warmupMs: 0,
    measureMs: 1000,
    counts: {
      expected: rate,
      sent: rate,
      decided: rate - missing,
      missing,
      duplicates: 0,
      measured: rate - missing,
      firstMeasuredUs: 1,
      lastMeasuredUs: 2,
    },
    throughputPerSecond: rate,
    latency: { ...EMPTY_STATS, count: rate, p99: p99Ms * 1000 },
    generator: { lag: { ...EMPTY_STATS, p99: lagP99Ms * 1000 }, inFlightFullWaits: 0, inFlightFullMs: 0 },
  };
}

test('a step within the budget with every output is sustainable', () => {
  assert.deepEqual(judgeStep(step(1000, 49.9), 50), { sustainable: true, reason: '', generatorLimited: false });
});

test('a p99 over the budget or a missing output makes a step unsustainable, saying which', () => {
  assert.match(judgeStep(step(1000, 50.1), 50).reason, /p99 50\.1 ms > budget 50 ms/);
  const missing = judgeStep(step(1000, 10, 3), 50);
  assert.equal(missing.sustainable, false);
  assert.match(missing.reason, /3 of 1000 outputs missing/);
});

test('a generator lagging past the budget marks the step as generator-limited', () => {
  const verdict = judgeStep(step(1000, 10, 0, 80), 50);
  assert.equal(verdict.sustainable, false);
  assert.equal(verdict.generatorLimited, true);
});

test('the highest sustainable rate is the last step before the first failure', () => {
  const steps = [step(500, 5), step(1000, 20), step(2000, 90), step(3000, 10)].map((result) => ({
    result,
    verdict: judgeStep(result, 50),
  }));
  assert.equal(highestSustainableRate(steps), 1000);
  assert.equal(highestSustainableRate(steps.slice(2)), undefined);
});
