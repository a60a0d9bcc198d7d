import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { Registry } from 'prom-client';
import type { LatencySnapshot } from '../../src/metrics/snapshot.ts';
import { parsePrometheusText } from '../metrics/prometheus-text.ts';
import { startDashboard } from './fixture.ts';

test('GET /api/latency returns every latency in both windows with encoded histograms and the counters', async (t) => {
  const { url } = await startDashboard(t);
  const response = await fetch(`${url}/api/latency`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await response.json()) as LatencySnapshot;
  assert.deepEqual(Object.keys(body.latency), ['model_call', 'model_row', 'process', 'e2e']);
  const process = body.latency.process.cumulative;
  assert.equal(process.count, 491);
  assert.equal(process.min, 100);
  assert.equal(process.max, 5000);
  for (const key of ['mean', 'p50', 'p90', 'p99', 'p99_9', 'p99_99'] as const) {
    assert.ok(process[key] >= 100 && process[key] <= 5000, `${key} ${process[key]}`);
  }
  assert.equal(decodeFromCompressedBase64(process.encoded ?? '', 64, false).totalCount, 491);
  assert.equal(body.latency.e2e.interval.max, 10_000);
  assert.equal(body.latency.model_call.interval.count, 0);
  assert.equal(body.unit, 'us');
  assert.equal(body.modelVersion, 'test-model-1');
  assert.equal(body.interval.index, 1);
  assert.deepEqual(body.totals.decisions, { APPROVE: 1, REVIEW: 1, DECLINE: 1 });
  assert.equal(body.totals.degraded, 2);
  assert.deepEqual(body.totals.degradedByReason, { 'model-failed': 1, deadline: 1 });
  assert.deepEqual(body.totals.deadLettersByStage, { decode: 1, label: 1 });
  assert.deepEqual(body.consumerGroup, {
    rebalances: 1,
    commits: { ok: 2, stale: 1, failed: 0 },
    assignment: [{ topic: 'transactions', partitions: [0, 1, 2, 5] }],
  });
  assert.deepEqual(body.state, { cards: 17, terminalCells: 230 });
  assert.deepEqual(body.lag, [{ topic: 'transactions', partition: 0, lag: 12 }]);
  assert.equal(body.history.length, 1);
  assert.equal(typeof body.throughput.inPerSecond, 'number');
  assert.equal(typeof body.uptimeSeconds, 'number');
});

test('GET /api/latency?encoded=false leaves out the encoded histograms', async (t) => {
  const { url } = await startDashboard(t);
  const body = (await (await fetch(`${url}/api/latency?encoded=false`)).json()) as LatencySnapshot;
  assert.equal(body.latency.process.cumulative.encoded, undefined);
  assert.ok((body.latency.process.cumulative.distribution ?? []).length > 2);
});

test('GET /metrics is valid Prometheus text with the scorer, process and event-loop metrics', async (t) => {
  const { url } = await startDashboard(t);
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusText(await response.text());
  for (const name of [
    'scorer_transactions_in_total',
    'scorer_decisions_total',
    'scorer_decisions_degraded_total',
    'scorer_dead_letters_total',
    'scorer_latency_seconds',
    'scorer_latency_max_seconds',
    'scorer_throughput_per_second',
    'scorer_consumer_lag',
    'scorer_rebalances_total',
    'scorer_assigned_partitions',
    'scorer_assigned_partition_info',
    'scorer_offset_commits_total',
    'scorer_state_cards',
    'scorer_state_terminal_cells',
    'scorer_state_restoring_partitions',
    'scorer_state_restored_partitions_total',
    'scorer_state_restored_records_total',
    'scorer_state_restore_seconds_total',
    'scorer_model_info',
    'scorer_uptime_seconds',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
  ]) {
    assert.ok(families.has(name), name);
  }
});

test('GET /healthz answers while the process is alive', async (t) => {
  const { url } = await startDashboard(t);
  const response = await fetch(`${url}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('GET /readyz is 200 when every part is ready and 503 naming the parts that are not', async (t) => {
  const { url, readiness } = await startDashboard(t);
  let response = await fetch(`${url}/readyz`);
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { ready: boolean }).ready, true);

  readiness.consumerJoined = false;
  readiness.brokerReachable = false;
  response = await fetch(`${url}/readyz`);
  assert.equal(response.status, 503);
  assert.deepEqual(await response.json(), {
    ready: false,
    consumerJoined: false,
    modelLoaded: true,
    brokerReachable: false,
    failing: ['consumerJoined', 'brokerReachable'],
  });
});

test('GET /readyz reports the assignment and catching up when the caller checks them', async (t) => {
  const { url, readiness } = await startDashboard(t);
  readiness.assigned = false;
  readiness.caughtUp = true;
  let response = await fetch(`${url}/readyz`);
  assert.equal(response.status, 503, 'joined, but owning no partition');
  assert.deepEqual(await response.json(), {
    ready: false,
    consumerJoined: true,
    modelLoaded: true,
    brokerReachable: true,
    assigned: false,
    caughtUp: true,
    failing: ['assigned'],
  });

  readiness.assigned = true;
  readiness.caughtUp = false;
  response = await fetch(`${url}/readyz`);
  assert.equal(response.status, 503, 'assigned, but catching up');
  assert.deepEqual(((await response.json()) as { failing: string[] }).failing, ['caughtUp']);

  readiness.caughtUp = true;
  response = await fetch(`${url}/readyz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    ready: true,
    consumerJoined: true,
    modelLoaded: true,
    brokerReachable: true,
    assigned: true,
    caughtUp: true,
    failing: [],
  });
});

test('GET /readyz is 503 when the readiness check itself fails', async (t) => {
  const { url } = await startDashboard(t, {
    readiness: () => Promise.reject(new Error('admin client timed out')),
  });
  const response = await fetch(`${url}/readyz`);
  assert.equal(response.status, 503);
  assert.deepEqual(await response.json(), { ready: false, failing: ['check'], error: 'admin client timed out' });
});

test('GET / serves the dashboard page and its scripts from this server only', async (t) => {
  const { url } = await startDashboard(t);
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await page.text();
  assert.match(html, /data-testid="chart-percentile-distribution"/);
  assert.match(html, /data-testid="assigned-partitions"/);
  assert.doesNotMatch(html, /https?:\/\//, 'no asset from another host');
  for (const asset of ['dashboard.js', 'chart-panels.js', 'charts.js', 'format.js', 'style.css']) {
    const response = await fetch(`${url}/${asset}`);
    assert.equal(response.status, 200, asset);
    assert.match(response.headers.get('content-type') ?? '', asset.endsWith('.js') ? /javascript/ : /text\/css/);
  }
});

test('GET /api/stream pushes snapshots as server-sent events', async (t) => {
  const { url, metrics } = await startDashboard(t);
  const controller = new AbortController();
  t.after(() => controller.abort());
  const response = await fetch(`${url}/api/stream`, { signal: controller.signal });
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: LatencySnapshot[] = [];
  let buffer = '';
  while (events.length < 2) {
    const { value, done } = await reader.read();
    assert.equal(done, false);
    buffer += value;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)) as LatencySnapshot);
    }
    if (events.length === 1) metrics.transactionsIn(10);
  }
  assert.equal(events[0]?.totals.transactionsIn, 3);
  assert.equal(events[1]?.totals.transactionsIn, 13);
  assert.equal(events[0]?.latency.process.cumulative.encoded, undefined, 'the page does not need the encodings');
});

test('a failing endpoint answers 500 without details and is logged', async (t) => {
  const registry = { metrics: () => Promise.reject(new Error('boom')), contentType: 'text/plain' };
  const { url, errors } = await startDashboard(t, { registry: registry as unknown as Registry });
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), { error: 'internal error' });
  assert.equal(errors.length, 1);
});
