import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { sampleDecision } from '../../../../schemas/test/fixtures.ts';
import { FeatureDriftMonitor, parseDriftReference, populationStability } from '../../src/core/quality/feature-drift.ts';
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
    m.setChallengerVersion('v8');
    m.modelChange('challenger', 'ok');
    m.modelChange('champion', 'refused');
    m.challengerCall('scored', 64, 1500);
    m.challengerCall('paused', 32, 0);
  });
  assert.equal(families.get('scorer_transactions_in_total')?.type, 'counter');
  assert.equal(value(families, 'scorer_transactions_in_total'), 12);
  assert.equal(value(families, 'scorer_decisions_total', { action: 'DECLINE' }), 2);
  assert.equal(value(families, 'scorer_decisions_total', { action: 'APPROVE' }), 0);
  assert.equal(value(families, 'scorer_decisions_degraded_total', { reason: 'model-failed' }), 1);
  assert.equal(value(families, 'scorer_dead_letters_total', { stage: 'decode' }), 1);
  assert.equal(value(families, 'scorer_consumer_lag', { topic: 'transactions', partition: '3' }), 17);
  assert.equal(value(families, 'scorer_model_info', { role: 'champion', version: 'v7' }), 1);
  assert.equal(value(families, 'scorer_model_info', { role: 'challenger', version: 'v8' }), 1);
  assert.equal(value(families, 'scorer_model_changes_total', { role: 'challenger', result: 'ok' }), 1);
  assert.equal(value(families, 'scorer_model_changes_total', { role: 'champion', result: 'refused' }), 1);
  assert.equal(value(families, 'scorer_model_changes_total', { role: 'champion', result: 'ok' }), 0);
  assert.equal(value(families, 'scorer_challenger_rows_total', { outcome: 'scored' }), 64);
  assert.equal(value(families, 'scorer_challenger_rows_total', { outcome: 'paused' }), 32);
  assert.equal(value(families, 'scorer_challenger_rows_total', { outcome: 'failed' }), 0);
  assert.equal(value(families, 'scorer_challenger_seconds_total'), 0.0015);
});

test('feature drift and explanations are scraped: PSI per feature, the rows behind it, explanations counted', async (t) => {
  const reference = parseDriftReference(
    JSON.stringify({ rows: 4, features: [{ name: 'amount', edges: [10], counts: [2, 2] }] }),
    ['amount'],
  );
  const drift = new FeatureDriftMonitor(1, { windowRows: 10, minRows: 2 });
  drift.setReference('v7', reference);
  drift.observe(Float32Array.of(5, 5, 5, 50), 4);
  let families = await scrape(t, () => {});
  assert.deepEqual(families.get('scorer_feature_psi')?.samples, [], 'no drift source, no samples');
  families = await scrape(t, (m) => {
    m.setDriftSource(() => drift.report());
    const explanation = {
      expectedValue: -4,
      margin: 1,
      contributions: [{ feature: 'amount', value: 5, contribution: 2 }],
    };
    m.decided(sampleDecision({ action: 'DECLINE', explanation }));
    m.decided(sampleDecision({ action: 'REVIEW', explanation }));
    m.decided(sampleDecision({ action: 'APPROVE' }));
  });
  assert.equal(families.get('scorer_feature_psi')?.type, 'gauge');
  assert.equal(value(families, 'scorer_feature_psi', { feature: 'amount' }), populationStability([2, 2], 4, [3, 1], 4));
  assert.equal(value(families, 'scorer_feature_drift_rows', { what: 'live' }), 4);
  assert.equal(value(families, 'scorer_feature_drift_rows', { what: 'window' }), 10);
  assert.equal(value(families, 'scorer_feature_drift_rows', { what: 'reference' }), 4);
  assert.equal(value(families, 'scorer_explanations_total'), 2);
});

test('degraded decisions are counted by reason, every reason from 0, and sum to every degraded decision', async (t) => {
  let families = await scrape(t, () => {});
  assert.deepEqual(
    families.get('scorer_decisions_degraded_total')?.samples.map((s) => [s.labels, s.value]),
    [
      [{ reason: 'model-failed' }, 0],
      [{ reason: 'deadline' }, 0],
    ],
  );
  families = await scrape(t, (m) => {
    m.decision('REVIEW', 'deadline');
    m.decision('APPROVE', 'deadline');
    m.decision('DECLINE', 'model-failed');
    m.decision('APPROVE', null);
  });
  const degraded = families.get('scorer_decisions_degraded_total');
  assert.equal(degraded?.type, 'counter');
  assert.equal(value(families, 'scorer_decisions_degraded_total', { reason: 'deadline' }), 2);
  assert.equal(value(families, 'scorer_decisions_degraded_total', { reason: 'model-failed' }), 1);
  assert.equal(
    degraded?.samples.reduce((sum, s) => sum + s.value, 0),
    3,
    'the sum is the old unlabelled total',
  );
});

test('dead letters of transactions and labels are counted by stage', async (t) => {
  const families = await scrape(t, (m) => {
    m.deadLetter('decode');
    m.deadLetter('features');
    m.deadLetter('label');
    m.deadLetter('label');
  });
  assert.deepEqual(
    families.get('scorer_dead_letters_total')?.samples.map((s) => [s.labels, s.value]),
    [
      [{ stage: 'decode' }, 1],
      [{ stage: 'features' }, 1],
      [{ stage: 'label' }, 2],
    ],
  );
});

test('the consumer group life: rebalances, owned partitions, commits by result and state sizes', async (t) => {
  const families = await scrape(t, (m) => {
    m.rebalance();
    m.setAssignment('transactions', [0, 1, 2, 3]);
    m.rebalance();
    m.setAssignment('transactions', [4, 1]);
    m.commit('ok');
    m.commit('ok');
    m.commit('stale');
    m.setStateSizes(1_200, 35_000);
  });
  assert.equal(families.get('scorer_rebalances_total')?.type, 'counter');
  assert.equal(value(families, 'scorer_rebalances_total'), 2);
  assert.equal(families.get('scorer_assigned_partitions')?.type, 'gauge');
  assert.equal(value(families, 'scorer_assigned_partitions'), 2);
  assert.deepEqual(
    families.get('scorer_assigned_partition_info')?.samples.map((s) => [s.labels, s.value]),
    [
      [{ topic: 'transactions', partition: '1' }, 1],
      [{ topic: 'transactions', partition: '4' }, 1],
    ],
  );
  assert.equal(families.get('scorer_offset_commits_total')?.type, 'counter');
  assert.equal(value(families, 'scorer_offset_commits_total', { result: 'ok' }), 2);
  assert.equal(value(families, 'scorer_offset_commits_total', { result: 'stale' }), 1);
  assert.equal(value(families, 'scorer_offset_commits_total', { result: 'failed' }), 0, 'every result from 0');
  assert.equal(value(families, 'scorer_state_cards'), 1_200);
  assert.equal(value(families, 'scorer_state_terminal_cells'), 35_000);
});

test('restores of partition state: partitions being restored now, and what the restores read and took', async (t) => {
  const families = await scrape(t, (m) => {
    m.setRestoring(3);
    m.restored(2, 1_000, 1500);
    m.restored(1, 500, 500);
  });
  assert.equal(families.get('scorer_state_restoring_partitions')?.type, 'gauge');
  assert.equal(value(families, 'scorer_state_restoring_partitions'), 3);
  assert.equal(value(families, 'scorer_state_restored_partitions_total'), 3);
  assert.equal(value(families, 'scorer_state_restored_records_total'), 1_500);
  assert.equal(value(families, 'scorer_state_restore_seconds_total'), 2);
});

test('a member that owns nothing reports 0 partitions and no partition series', async (t) => {
  const families = await scrape(t, (m) => {
    m.setAssignment('transactions', [0, 1]);
    m.setAssignment('transactions', []);
  });
  assert.equal(value(families, 'scorer_assigned_partitions'), 0);
  assert.deepEqual(families.get('scorer_assigned_partition_info')?.samples, []);
  assert.equal(value(families, 'scorer_rebalances_total'), 0);
});

test('one scrape reads one snapshot, so its families agree with each other', async (t) => {
  const metrics = await LiveMetrics.create();
  t.after(() => metrics.close());
  let reads = 0;
  const registry = createMetricsRegistry(
    {
      snapshot: (options) => {
        reads++;
        return metrics.snapshot(options);
      },
    },
    { defaultMetrics: false },
  );
  await registry.metrics();
  assert.equal(reads, 1);
  metrics.decision('APPROVE', 'deadline');
  const families = parsePrometheusText(await registry.metrics());
  assert.equal(reads, 2, 'the next scrape reads a fresh one');
  assert.equal(value(families, 'scorer_decisions_total', { action: 'APPROVE' }), 1);
  assert.equal(value(families, 'scorer_decisions_degraded_total', { reason: 'deadline' }), 1);
});

test('latency percentiles are gauges in seconds, per latency, window and percentile', async (t) => {
  const families = await scrape(t, (m) => {
    for (let us = 1; us <= 1000; us++) m.recordLatency('process', us);
    m.rotate();
  });
  const labels = { latency: 'process', window: 'interval', percentile: '0.99' };
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
