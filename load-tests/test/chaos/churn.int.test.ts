import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testBrokers } from '../../../test-support/kafka.ts';
import { formatChurnReport, runChurn } from '../../src/chaos/churn.ts';

// The short version of `npm run chaos -- churn` (60,000 transactions, 12 changes): the same code, smaller.
test('scorers in one group keep deciding through joins, SIGTERM leaves and SIGKILL crashes, and none stops by itself', async (t) => {
  const report = await runChurn({
    brokers: testBrokers(),
    transactions: 15_000,
    rate: 1000,
    scorers: 3,
    changes: 6,
    partitions: 6,
    seed: 7,
    settleMs: 90_000,
    log: (line) => t.diagnostic(line),
  });
  t.diagnostic(formatChurnReport(report));
  assert.deepEqual(report.unexpectedExits, []);
  assert.equal(report.missing, 0, 'every transaction has a decision');
  assert.equal(report.changes.join + report.changes.leave + report.changes.crash, 6);
  assert.ok(report.changes.crash >= 1 && report.changes.leave >= 1 && report.changes.join >= 1);
  assert.ok(report.running >= 2, 'the members that were not stopped are still running');
  assert.equal(report.deadLetters, 0);
});
