import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, DecisionSet, type Verdict } from '../../src/chaos/decision-comparison.ts';
import {
  formatExactlyOnceReport,
  judgeExactlyOnce,
  type ExactlyOnceReport,
} from '../../src/chaos/exactly-once-report.ts';

const verdict = (score: number): Verdict => ({ action: 'APPROVE', score, reasons: '', degraded: false });

function report(run: [string, number][], over: Partial<ExactlyOnceReport> = {}): ExactlyOnceReport {
  const ids = ['t1', 't2', 't3'];
  const a = new DecisionSet();
  for (const [id, score] of run) a.add(id, verdict(score));
  const b = new DecisionSet();
  ids.forEach((id, i) => b.add(id, verdict(i / 10)));
  return {
    runId: 'eo-test',
    delivery: 'exactly-once',
    transactions: 3,
    inputRecords: 3,
    labels: 0,
    scorers: 3,
    partitions: 6,
    rate: 100,
    seed: 1,
    comparison: compareRuns(ids, a, b),
    deadLetters: { run: 0, reference: 0 },
    unstableOffsets: { run: 0, reference: 0 },
    planned: { kills: 2, brokerRestarts: 1, rollingRestarts: 1, freezes: 1 },
    faults: {
      kills: 2,
      brokerRestarts: 1,
      rollingRestarts: 1,
      freezes: 1,
      slowestRecoveryMs: 9000,
      killsAtMs: [10, 2000],
      log: [],
    },
    settled: { run: true, reference: true },
    unexpectedExits: [],
    streamMs: 1000,
    maxBehindMs: 0,
    elapsedMs: 5000,
    ...over,
  };
}

const exact: [string, number][] = [
  ['t1', 0],
  ['t2', 0.1],
  ['t3', 0.2],
];
const twiceAndOff: [string, number][] = [...exact, ['t2', 0.1], ['t3', 0.5]];

test('exactly-once passes with one decision per transaction, each equal to the reference, after every planned fault', () => {
  const r = report(exact);
  assert.deepEqual(judgeExactlyOnce(r), []);
  const text = formatExactlyOnceReport(r);
  assert.match(text, /verdict +PASS/);
  assert.match(text, /2 SIGKILLs, 1 of them while the stream was sent/);
});

test('exactly-once fails on a duplicated decision or a verdict unlike the reference, and says which', () => {
  const failures = judgeExactlyOnce(report(twiceAndOff.slice(1).concat([['t1', 0.05]])));
  assert.ok(
    failures.some((f) => /2 duplicated/.test(f)),
    failures.join('; '),
  );
  assert.ok(
    failures.some((f) => /1 decisions differ/.test(f)),
    failures.join('; '),
  );
  const text = formatExactlyOnceReport(report(twiceAndOff.slice(1).concat([['t1', 0.05]])));
  assert.match(text, /verdict +FAIL/);
  assert.match(text, /t1: run APPROVE 0.05/);
});

test('at-least-once prints its duplicates and differences but fails only on what is missing', () => {
  const contrast = report(twiceAndOff, { delivery: 'at-least-once' });
  assert.deepEqual(judgeExactlyOnce(contrast), []);
  assert.match(formatExactlyOnceReport(contrast), /\| duplicated \| 2 \| 0 \|/);
  const missing = report(exact.slice(0, 2), { delivery: 'at-least-once' });
  assert.deepEqual(judgeExactlyOnce(missing), ['1 transactions without a decision']);
});

test('both modes fail when a scorer stopped by itself, a fault was not carried out, or the input holds a transaction twice', () => {
  for (const delivery of ['exactly-once', 'at-least-once'] as const) {
    const failures = judgeExactlyOnce(
      report(exact, {
        delivery,
        unexpectedExits: ['s2: exited by itself with code 1'],
        faults: {
          kills: 1,
          brokerRestarts: 0,
          rollingRestarts: 1,
          freezes: 1,
          slowestRecoveryMs: 0,
          killsAtMs: [10],
          log: [],
        },
        inputRecords: 4,
      }),
    );
    assert.deepEqual(failures, [
      '4 input records for 3 transactions',
      '1 unexpected scorer exits',
      '1 of 2 SIGKILLs carried out',
      '0 of 1 broker restarts carried out',
    ]);
  }
});
