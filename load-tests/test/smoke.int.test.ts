import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { createSchemaCodecs } from '../../schemas/src/codecs.ts';
import { initHistogramRuntime } from '../../services/scorer/src/metrics/hdr.ts';
import { testBrokers, uniqueTopic } from '../../test-support/kafka.ts';
import { systemClock } from '../src/clock.ts';
import type { TargetName } from '../src/config.ts';
import { createBenchSimulation, TransactionPool } from '../src/generator/transaction-pool.ts';
import { createLoadProducer } from '../src/kafka/load-producer.ts';
import { SCORER_METRICS_INTERVAL_MS, startPassThrough, startScorer } from '../src/processes/services.ts';
import { benchTopics, createBenchTopics, deleteBenchResources, openTarget } from '../src/run/bench-setup.ts';
import { CleanupStack } from '../src/run/cleanup-stack.ts';
import { runPhase } from '../src/run/phase-runner.ts';

// A few hundred records at a low rate: this keeps the tool working end to end, it measures nothing.
const RATE = 100;
const MEASURE_MS = 3_000;

before(async () => {
  await initHistogramRuntime();
});

async function smokeRun(t: TestContext, name: TargetName) {
  const brokers = testBrokers();
  const runId = uniqueTopic('lt-smoke');
  const topics = benchTopics(runId);
  // Closed in reverse: consumers and processes first, then their topics and groups.
  const cleanup = new CleanupStack((line) => t.diagnostic(line));
  t.after(() => cleanup.closeAll());
  await createBenchTopics(brokers, topics, 3);
  cleanup.defer('topics', () => deleteBenchResources(brokers, runId));
  const logDir = mkdtempSync(join(tmpdir(), 'lt-smoke-'));
  cleanup.defer('logs', () => rmSync(logDir, { recursive: true, force: true }));
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);

  let scorerUrl: string | undefined;
  if (name === 'scorer') {
    const scorer = await startScorer(
      brokers,
      {
        transactions: topics.scorerIn,
        decisions: topics.decisions,
        deadLetters: topics.deadLetters,
        labels: topics.labels,
        terminalCounts: topics.terminalCounts,
      },
      `${runId}-scorer`,
      logDir,
    );
    cleanup.defer('scorer', () => scorer.service.stop());
    scorerUrl = scorer.url;
  } else {
    const passThrough = await startPassThrough(brokers, topics.passIn, topics.passOut, `${runId}-pass`, logDir);
    cleanup.defer('pass-through', () => passThrough.stop());
  }

  const producer = createLoadProducer(brokers, 'lt-smoke');
  cleanup.defer('producer', () => producer.close());
  const opened = await openTarget(
    brokers,
    name,
    name === 'scorer'
      ? { input: topics.scorerIn, output: topics.decisions }
      : { input: topics.passIn, output: topics.passOut },
    `${runId}-measure`,
    systemClock,
    log,
    scorerUrl === undefined ? undefined : { url: scorerUrl, intervalMs: SCORER_METRICS_INTERVAL_MS },
  );
  cleanup.defer('output consumer', () => opened.consumer.close());

  const pool = new TransactionPool(createBenchSimulation(7, runId), createSchemaCodecs().transaction);
  const records = pool.take((RATE * MEASURE_MS) / 1000);
  const outcome = await runPhase(
    opened.target,
    { label: 'smoke', rate: RATE, warmupMs: 0, measureMs: MEASURE_MS, arrivals: 'poisson', seed: 7 },
    records,
    {
      producer,
      clock: systemClock,
      maxInFlight: 4,
      maxBatch: 100,
      drainMs: 30_000,
      progressEveryMs: 60_000,
      log,
    },
  );
  cleanup.defer('histogram', () => outcome.latency.destroy());
  return { outcome, registry: opened.target.registry, records, lines };
}

test('a low-rate open-loop run through the pass-through gets every transaction back exactly once', async (t) => {
  const { outcome, registry, records, lines } = await smokeRun(t, 'pass-through');
  const { counts, latency } = outcome.result;
  assert.equal(counts.sent, records.length, lines.join('\n'));
  assert.equal(counts.decided, counts.sent);
  assert.equal(counts.missing, 0);
  assert.equal(counts.duplicates, 0);
  assert.equal(latency.count, counts.decided);
  assert.equal(outcome.latency.histogram.totalCount, counts.decided);
  assert.deepEqual(registry.totals, { consumed: counts.decided, unknown: 0 });
});

test('a low-rate open-loop run through the scorer decides every transaction exactly once', async (t) => {
  const { outcome, registry, records, lines } = await smokeRun(t, 'scorer');
  const { counts, latency, scorer } = outcome.result;
  assert.equal(counts.sent, records.length, lines.join('\n'));
  assert.equal(counts.decided, counts.sent);
  assert.equal(counts.missing, 0);
  assert.equal(counts.duplicates, 0);
  assert.equal(latency.count, counts.decided);
  assert.deepEqual(registry.totals, { consumed: counts.decided, unknown: 0 });
  // The scorer's own histograms saw the same transactions (its interval rotation was waited for).
  assert.equal(scorer?.e2e.count, counts.decided, lines.join('\n'));
});
