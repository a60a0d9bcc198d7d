import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { testBrokers } from '../../../test-support/kafka.ts';
import { runExactlyOnce } from '../../src/chaos/exactly-once.ts';
import { formatExactlyOnceReport, judgeExactlyOnce } from '../../src/chaos/exactly-once-report.ts';
import { startOwnBroker, type OwnBroker } from '../../src/chaos/own-broker.ts';

// The run kills its broker, so it gets one of its own, 60 ports above the shared test broker (which the other
// tests keep using), with storage in a temporary folder.
let broker: OwnBroker;
before(async () => {
  const sharedPort = Number(testBrokers()[0]!.split(':')[1]);
  broker = await startOwnBroker({
    port: sharedPort + 60,
    libsDir: loadBrokerConfig(process.env).libsDir,
    heapMb: 512,
  });
});
after(() => broker?.close());

// The short version of `npm run chaos -- exactly-once` (200,000 transactions, 20 kills): the same code, smaller.
// Fraud reports come a simulated day after the fraud (not a week), so the 3.2 days of 30,000 transactions
// include some and the card and terminal features see them.
test('30,000 transactions through 3 scorers with 5 SIGKILLs, a broker SIGKILL, a rolling restart and a 25-s SIGSTOP: one decision per transaction, each the one an uninterrupted instance makes', async (t) => {
  const report = await runExactlyOnce({
    brokers: [broker.address],
    broker,
    delivery: 'exactly-once',
    transactions: 30_000,
    rate: 400,
    scorers: 3,
    kills: 5,
    brokerRestarts: 1,
    rolling: true,
    freezes: 1,
    partitions: 6,
    seed: 7,
    labelDelayDays: 1,
    settleMs: 120_000,
    log: (line) => t.diagnostic(line),
  });
  t.diagnostic(formatExactlyOnceReport(report));
  const c = report.comparison;
  assert.ok(report.labels > 0, 'fraud reports are part of the input');
  assert.equal(report.faults.kills, 5);
  assert.equal(report.faults.brokerRestarts, 1);
  assert.equal(report.faults.rollingRestarts, 1);
  assert.equal(report.faults.freezes, 1);
  assert.deepEqual(report.unexpectedExits, []);
  assert.equal(c.run.missing, 0, 'every transaction has a decision');
  assert.equal(c.run.duplicated, 0, 'no transaction has two');
  assert.equal(c.reference.missing, 0);
  assert.equal(c.reference.degraded, 0, 'the reference decided by the model, not past its deadline');
  assert.equal(c.differing, 0, 'every decision equals the reference in action, score, reasons and degraded');
  assert.deepEqual(judgeExactlyOnce(report), []);
});

// The contrast, and the proof that the comparison can fail: at-least-once decides again what was decided but not
// committed when an instance died, and its successor decides without the card state the dead one held.
test('in at-least-once, the same kind of run leaves duplicated decisions and verdicts unlike the reference, and none missing', async (t) => {
  const report = await runExactlyOnce({
    brokers: [broker.address],
    broker,
    delivery: 'at-least-once',
    transactions: 10_000,
    rate: 500,
    scorers: 3,
    kills: 3,
    brokerRestarts: 0,
    rolling: false,
    partitions: 6,
    seed: 8,
    settleMs: 120_000,
    log: (line) => t.diagnostic(line),
  });
  t.diagnostic(formatExactlyOnceReport(report));
  const c = report.comparison;
  assert.deepEqual(report.unexpectedExits, []);
  assert.equal(c.run.missing, 0);
  assert.ok(c.run.duplicated > 0, 'decided twice');
  assert.ok(c.differing > 0, 'decided differently');
  assert.deepEqual(judgeExactlyOnce(report), [], 'at-least-once fails only on what is missing');
});
