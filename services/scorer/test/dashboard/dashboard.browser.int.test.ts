import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { chromium } from 'playwright-core';
import { createSchemaCodecs } from '../../../../schemas/src/codecs.ts';
import { ACTIONS } from '../../../../schemas/src/types.ts';
import { sampleLabel, sampleTransaction } from '../../../../schemas/test/fixtures.ts';
import { testBrokers } from '../../../../test-support/kafka.ts';
import { createScorerTopics, scorerTopicEnv } from '../scorer-topics.ts';
import { loadConfig } from '../../src/config.ts';
import type { LatencySnapshot } from '../../src/metrics/snapshot.ts';
import { LATENCY_NAMES } from '../../src/metrics/scorer-metrics.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { ScorerService } from '../../src/service.ts';
import { readPageUntil, type PageReadout } from './page-readout.ts';

// Chromium's background connections (updates, sync, QUIC probes) are refused on a closed network.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STATS = ['count', 'min', 'mean', 'p50', 'p90', 'p99', 'p99_9', 'p99_99', 'max', 'clamped'] as const;
const BATCHES = 40;
const PER_BATCH = 15;
const GOOD = BATCHES * PER_BATCH;
const PARTITIONS = 3;
const integer = new Intl.NumberFormat('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `/api/latency` every 100 ms, kept by interval index: latency windows, throughput and history change only when an
 * interval rotates (every 500 ms here), so any snapshot of an index equals the one the page drew for that index.
 */
function pollApi(url: string) {
  const byIndex = new Map<number, LatencySnapshot>();
  let running = true;
  const done = (async () => {
    while (running) {
      const snapshot = await fetchSnapshot(url);
      if (!byIndex.has(snapshot.interval.index)) byIndex.set(snapshot.interval.index, snapshot);
      await sleep(100);
    }
  })();
  return { byIndex, stop: () => ((running = false), done) };
}

async function fetchSnapshot(url: string): Promise<LatencySnapshot> {
  const response = await fetch(`${url}/api/latency?encoded=false`);
  assert.equal(response.status, 200);
  return (await response.json()) as LatencySnapshot;
}

function assertCell(shown: PageReadout, testId: string, expected: number | string) {
  const cell = shown.cells[testId];
  assert.ok(cell, `the page has no element ${testId}`);
  const actual = typeof expected === 'number' ? Number(cell.value) : cell.value;
  assert.equal(actual, expected, `${testId} shows ${cell.value} ("${cell.text}"), the API says ${expected}`);
}

function assertLine(line: { points: number; last: number } | undefined, points: number, last: number, name: string) {
  assert.ok(line, `no line ${name}`);
  assert.ok(points > 0, `${name}: the API has points to draw`);
  assert.deepEqual(line, { points, last }, name);
}

/** Everything that depends only on the interval index: latency table, headlines, rates and charts. */
function assertIntervalMatches(shown: PageReadout, api: LatencySnapshot) {
  assertCell(shown, 'interval-index', api.interval.index);
  assertCell(shown, 'interval-length', api.intervalMs);
  assertCell(shown, 'throughput-in', api.throughput.inPerSecond);
  assertCell(shown, 'throughput-out', api.throughput.outPerSecond);
  assertCell(shown, 'headline-process-p99', api.latency.process.interval.p99);
  assertCell(shown, 'headline-e2e-p99', api.latency.e2e.interval.p99);
  for (const name of LATENCY_NAMES) {
    for (const window of ['cumulative', 'interval'] as const) {
      const stats = api.latency[name][window];
      for (const stat of STATS) assertCell(shown, `${name}-${window}-${stat}`, stats[stat]);
      // A reader sees a latency with its unit, not the raw microseconds.
      assert.match(shown.cells[`${name}-${window}-p99`]!.text, /^\d+(\.\d+)? (µs|ms|s)$/);
    }
    const history = api.history.filter((p) => p.latency[name].count > 0);
    for (const key of ['p50', 'p99', 'p99_9', 'max'] as const) {
      const last = history.at(-1)?.latency[name][key] ?? NaN;
      assertLine(shown.overTime[`${name}/${key}`], history.length, last, `over time ${name} ${key}`);
    }
  }
  for (const name of ['process', 'e2e'] as const) {
    for (const window of ['cumulative', 'interval'] as const) {
      const points = api.latency[name][window].distribution ?? [];
      const line = shown.lines[`chart-percentile-distribution/${name}-${window}`];
      assertLine(line, points.length, points.at(-1)?.value ?? NaN, `distribution ${name} ${window}`);
    }
  }
  const { history } = api;
  const throughput = (key: 'in' | 'out') => shown.lines[`chart-throughput/${key}`];
  assertLine(throughput('in'), history.length, history.at(-1)?.inPerSecond ?? NaN, 'throughput in');
  assertLine(throughput('out'), history.length, history.at(-1)?.outPerSecond ?? NaN, 'throughput out');
  const withDecisions = history.filter((p) => ACTIONS.some((a) => p.decisions[a] > 0)).length;
  assert.ok(withDecisions > 0);
  assert.equal(shown.mixColumns, withDecisions, 'one decision-mix column per interval with decisions');
}

test(
  'the dashboard draws the numbers of /api/latency from a scorer under real traffic',
  { timeout: 90_000 },
  async (t) => {
    // Closed in reverse order of opening: the browser before the scorer it watches.
    const closers: (() => Promise<unknown>)[] = [];
    t.after(async () => {
      for (const close of closers.reverse()) await close();
    });

    const topics = scorerTopicEnv('dashboard');
    const brokers = testBrokers();
    await createScorerTopics(topics, PARTITIONS);
    const config = loadConfig(
      {
        ...topics,
        // MODEL_PATH lets the test run against a candidate model; by default it is the shipped one.
        MODEL_PATH: process.env['MODEL_PATH'] ?? '',
        KAFKA_BROKERS: brokers.join(','),
        TOPIC_REPLICATION_FACTOR: '1',
        HTTP_PORT: '0',
        DEADLINE_MS: '60000',
        METRICS_INTERVAL_MS: '500',
        QUALITY_INTERVAL_MS: '300',
        // The test's event times span 10 hours: decisions older than 5 hours count as labelled.
        QUALITY_LABEL_DELAY_MS: '18000000',
        // Every decision a DECLINE, so each carries an explanation; drift from the first hundred rows.
        REVIEW_THRESHOLD: '0',
        DECLINE_THRESHOLD: '0',
        DRIFT_MIN_ROWS: '100',
      },
      [],
    );
    const scorer = await ScorerService.start(config, createLogger('warn', 'dashboard-test'));
    closers.push(() => scorer.stop('test over'));
    const url = scorer.url!;

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    closers.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    await page.goto(`${url}/`);
    await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 15_000 });

    const api = pollApi(url);
    closers.push(() => api.stop());

    // Traffic over about 8 s (16 intervals), so the page shows intervals that have observations in them.
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    const codecs = createSchemaCodecs();
    const sending = (async () => {
      for (let b = 0; b < BATCHES; b++) {
        const messages = Array.from({ length: PER_BATCH }, (_, j) => {
          const i = b * PER_BATCH + j;
          const tx = sampleTransaction({
            transactionId: `dash-${i}`,
            cardId: `card-${(i % 17).toString(16).padStart(4, '0')}`,
            amountMinor: 200 + ((i * 7919) % 150_000),
            eventTime: Date.UTC(2018, 3, 1) + i * 60_000,
          });
          return { key: tx.cardId, value: codecs.transaction.encode(tx) };
        });
        if (b === BATCHES / 2) {
          const negative = sampleTransaction({ transactionId: 'dash-negative', amountMinor: -5 });
          messages.push(
            { key: 'card-bad1', value: Buffer.from([1, 0, 0, 0, 1, 2, 3]) },
            { key: 'card-bad2', value: codecs.transaction.encode(negative) },
          );
        }
        await producer.send({ topic: topics.TOPIC_TRANSACTIONS, messages });
        // A label that does not decode: a dead letter of its own stage, shown with the transactions' ones.
        if (b === BATCHES / 2) {
          await producer.send({
            topic: topics.TOPIC_LABELS,
            messages: [{ key: 'card-bad3', value: Buffer.from([9]) }],
          });
        }
        await sleep(200);
      }
    })();

    // While traffic flows: a page update whose last interval holds observations, against the API at that index.
    // With half the traffic in, the cumulative windows hold many fetch batches, not only the slow first one.
    const [shown, atIndex] = await readPageUntil(page, 30_000, 'an interval with observations', (readout) => {
      const count = (testId: string) => Number(readout.cells[testId]?.value);
      const snapshot = api.byIndex.get(count('interval-index'));
      const full =
        count('process-cumulative-count') >= GOOD / 2 &&
        ['process', 'e2e', 'model_call'].every((name) => count(`${name}-interval-count`) > 0);
      return full && snapshot ? ([readout, snapshot] as const) : undefined;
    });
    assertIntervalMatches(shown, atIndex);
    await sending;

    // Once every record is decided the counters stand still: the page must show them as the API does.
    const deadline = Date.now() + 30_000;
    let settled = await fetchSnapshot(url);
    while (settled.totals.decisionsOut < GOOD || settled.totals.deadLetters < 3) {
      assert.ok(Date.now() < deadline, `decided ${settled.totals.decisionsOut} of ${GOOD} in 30 s`);
      await sleep(200);
      settled = await fetchSnapshot(url);
    }
    await sleep(500); // a margin for the lag gauges, which follow the consumer's fetches, and the last commit
    settled = await fetchSnapshot(url);
    const final = await readPageUntil(page, 10_000, 'the settled counters', (readout) =>
      Number(readout.cells['taken-at']?.value) >= settled.takenAt ? readout : undefined,
    );
    const after = await fetchSnapshot(url);
    assert.deepEqual(
      [after.totals, after.lag, after.consumerGroup],
      [settled.totals, settled.lag, settled.consumerGroup],
      'the counters stood still',
    );
    const { totals, consumerGroup } = settled;
    assert.equal(totals.transactionsIn, GOOD + 2);
    assert.equal(totals.decisionsOut, GOOD);
    assert.deepEqual(totals.deadLettersByStage, { decode: 1, validate: 1, label: 1 });
    // The only member owns every partition, and has committed what it decided.
    const owned = Array.from({ length: PARTITIONS }, (_, p) => p);
    assert.deepEqual(consumerGroup.assignment, [{ topic: topics.TOPIC_TRANSACTIONS, partitions: owned }]);
    assert.ok(consumerGroup.commits.ok > 0, 'offsets were committed');
    assert.equal(consumerGroup.commits.failed, 0);
    assertCell(final, 'assignment', `${topics.TOPIC_TRANSACTIONS}:${owned.join(',')}`);
    assert.equal(final.cells['assignment']?.text, `${topics.TOPIC_TRANSACTIONS} · 0–${PARTITIONS - 1}`);
    assertCell(final, 'model-version', settled.modelVersion!);
    assertCell(final, 'challenger-version', 'none');
    assert.ok(settled.modelVersion!.length > 0);
    for (const [testId, value] of [
      ['transactions-in', totals.transactionsIn],
      ['decisions-out', totals.decisionsOut],
      ['degraded', totals.degraded],
      ['dead-letters', totals.deadLetters],
      ['dead-letters-decode', 1],
      ['dead-letters-validate', 1],
      ['dead-letters-label', 1],
      ['assigned-partitions', PARTITIONS],
      ['rebalances', consumerGroup.rebalances],
      ...(['ok', 'stale', 'failed'] as const).map(
        (result) => [`commits-${result}`, consumerGroup.commits[result]] as const,
      ),
      ...(['model-failed', 'deadline'] as const).map(
        (reason) => [`degraded-${reason}`, totals.degradedByReason[reason]] as const,
      ),
      ['lag-total', settled.lag.reduce((sum, p) => sum + p.lag, 0)],
      ...ACTIONS.map((action) => [`decisions-${action}`, totals.decisions[action]] as const),
    ] as const) {
      assertCell(final, testId, value);
      assert.equal(final.cells[testId]!.text, integer.format(value), `${testId} as text`);
    }
    assert.equal(final.cells['connection']?.text, 'live');

    // Drift: the page lists the features of largest PSI as the API ranks them.
    const drift = settled.drift!;
    assert.equal(drift.rows, GOOD);
    assert.equal(drift.features.length, 34);
    assertCell(final, 'drift-window', GOOD);
    for (let i = 0; i < 8; i++) {
      assertCell(final, `drift-${i}-feature`, drift.features[i]!.name);
      assertCell(final, `drift-${i}-psi`, drift.features[i]!.psi);
    }
    // Seventeen cards at one terminal are nothing like the training rows: the top features have drifted.
    assert.ok(drift.features[0]!.psi > 0.25, `top PSI ${drift.features[0]!.psi}`);
    // Explained declines: every decision, the newest first with its top feature, and the drivers.
    const explained = settled.explainedDeclines;
    assert.equal(explained.total, GOOD);
    assertCell(final, 'explained-total', GOOD);
    explained.latest.forEach((d, i) => assertCell(final, `explained-${i}`, d.contributions[0]!.feature));
    assert.equal(explained.latest.length, 8);
    assertCell(final, 'driver-0', explained.drivers[0]!.feature);
    assert.match(final.cells['explained-0']!.text, /^\w+ = \S+ \([+−]\d+\.\d\d\)/);

    // Live quality fills as fraud reports arrive: every decision counted, none reported yet, then every 20th.
    assert.equal(final.cells['quality-champion-rows']?.value, String(GOOD));
    assert.equal(final.cells['quality-champion-frauds']?.value, '0');
    const reported = Array.from({ length: GOOD / 20 }, (_, n) => n * 20);
    await producer.send({
      topic: topics.TOPIC_LABELS,
      messages: reported.map((i) => {
        const eventTime = Date.UTC(2018, 3, 1) + i * 60_000;
        const label = sampleLabel({
          transactionId: `dash-${i}`,
          cardId: `card-${(i % 17).toString(16).padStart(4, '0')}`,
          eventTime,
          reportedAt: eventTime + 86_400_000,
        });
        return { key: label.cardId, value: codecs.label.encode(label) };
      }),
    });
    const labelled = await readPageUntil(page, 20_000, 'the reported frauds in live quality', (readout) =>
      readout.cells['quality-champion-frauds']?.value === String(reported.length) ? readout : undefined,
    );
    const quality = (await fetchSnapshot(url)).quality!;
    const champion = quality.models.find((m) => m.role === 'champion')!;
    assert.equal(champion.frauds, reported.length);
    assert.ok(champion.labelledShare > 0.4 && champion.labelledShare < 0.6, `labelled ${champion.labelledShare}`);
    for (const key of [
      'rows',
      'frauds',
      'flaggedRecall',
      'averagePrecision',
      'cardPrecisionAtK',
      'labelledShare',
    ] as const) {
      assert.equal(Number(labelled.cells[`quality-champion-${key}`]?.value), champion[key], `quality-champion-${key}`);
    }
    assert.match(
      labelled.cells['quality-window']?.text ?? '',
      /^Event time 2018-03-18T\S+ – 2018-04-01T\S+ \(14 days\)/,
    );
    assert.deepEqual(problems, [], 'no page errors, console errors or failed requests');
  },
);
