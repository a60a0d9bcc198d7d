import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { LiveMetrics } from '../../src/metrics/live-metrics.ts';
import { createMetricsRegistry } from '../../src/metrics/prometheus.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import type { Family } from './prometheus-text.ts';

async function scrape(t: TestContext, fill: (m: LiveMetrics) => void): Promise<Map<string, Family>> {
  const metrics = await LiveMetrics.create();
  t.after(() => metrics.close());
  fill(metrics);
  const registry = createMetricsRegistry(metrics);
  return parsePrometheusText(await registry.metrics());
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  return families.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

test('counters, lag and model version are scraped from the live metrics', async (t) => {
  const families = await scrape(t, (m) => {
    m.transactionsIn(12);
    m.decision('DECLINE', 'model-failed');
    m.decision('DECLINE', null);
    m.deadLetter('decode');
    m.setLag('transactions', 3, 17);
    m.setModelVersion('v7');
  });
  assert.equal(families.get('scorer_transactions_in_total')?.type, 'counter');
  assert.equal(value(families, 'scorer_transactions_in_total'), 12);
  assert.equal(value(families, 'scorer_decisions_total', { action: 'DECLINE' }), 2);
  assert.equal(value(families, 'scorer_decisions_total', { action: 'APPROVE' }), 0);
  assert.equal(value(families, 'scorer_decisions_degraded_total'), 1);
  assert.equal(value(families, 'scorer_dead_letters_total', { stage: 'decode' }), 1);
  assert.equal(value(families, 'scorer_consumer_lag', { topic: 'transactions', partition: '3' }), 17);
  assert.equal(value(families, 'scorer_model_info', { version: 'v7' }), 1);
});

test('latency percentiles are gauges in seconds, per latency, window and quantile', async (t) => {
  const families = await scrape(t, (m) => {
    for (let us = 1; us <= 1000; us++) m.recordLatency('process', us);
    m.rotate();
  });
  const labels = { latency: 'process', window: 'interval', quantile: '0.99' };
  assert.equal(families.get('scorer_latency_seconds')?.type, 'gauge');
  assert.equal(value(families, 'scorer_latency_seconds', labels), 0.00099);
  assert.equal(value(families, 'scorer_latency_max_seconds', { latency: 'process', window: 'cumulative' }), 0.001);
  assert.equal(value(families, 'scorer_latency_observations_total', { latency: 'process' }), 1000);
  // Only process was recorded: the other latencies have no percentiles to show, rather than zeros.
  const latencies = new Set(families.get('scorer_latency_seconds')?.samples.map((s) => s.labels['latency']));
  assert.deepEqual([...latencies], ['process']);
  assert.equal(families.get('scorer_latency_seconds')?.samples.length, 2 * 5);
});

test('process and event-loop metrics are in the registry, which is not the global one', async (t) => {
  const families = await scrape(t, () => {});
  assert.ok(families.has('process_cpu_seconds_total'));
  assert.ok(families.has('nodejs_eventloop_lag_p99_seconds'));
  const { register } = await import('prom-client');
  assert.equal(await register.getSingleMetricAsString('scorer_uptime_seconds').catch(() => 'absent'), 'absent');
});
