import type { TestContext } from 'node:test';
import { createDashboardApp } from '../../src/dashboard/app.ts';
import type { DashboardDeps } from '../../src/dashboard/app.ts';
import { listen } from '../../src/dashboard/listen.ts';
import type { Readiness } from '../../src/dashboard/readiness.ts';
import { LiveMetrics } from '../../src/metrics/live-metrics.ts';
import { createMetricsRegistry } from '../../src/metrics/prometheus.ts';

export interface Dashboard {
  url: string;
  metrics: LiveMetrics;
  readiness: Readiness;
  errors: object[];
}

/** The dashboard on an ephemeral 127.0.0.1 port over real metrics with a little data; closed after the test. */
export async function startDashboard(t: TestContext, overrides: Partial<DashboardDeps> = {}): Promise<Dashboard> {
  const metrics = await LiveMetrics.create({ intervalMs: 10_000 });
  metrics.setModelVersion('test-model-1');
  metrics.transactionsIn(3);
  metrics.decision('APPROVE', null);
  metrics.decision('REVIEW', 'deadline');
  metrics.decision('DECLINE', 'model-failed');
  metrics.deadLetter('decode');
  metrics.deadLetter('label');
  metrics.setLag('transactions', 0, 12);
  metrics.rebalance();
  metrics.setAssignment('transactions', [0, 1, 2, 5]);
  metrics.commit('ok');
  metrics.commit('ok');
  metrics.commit('stale');
  metrics.setStateSizes(17, 230);
  for (let us = 100; us <= 5000; us += 10) {
    metrics.recordLatency('process', us);
    metrics.recordLatency('e2e', us * 2);
  }
  metrics.rotate();
  const readiness: Readiness = { consumerJoined: true, modelLoaded: true, brokerReachable: true };
  const errors: object[] = [];
  const app = createDashboardApp({
    metrics,
    registry: createMetricsRegistry(metrics),
    readiness: () => readiness,
    streamIntervalMs: 50,
    logger: { error: (details) => errors.push(details) },
    ...overrides,
  });
  const server = await listen(app, '127.0.0.1', 0);
  t.after(async () => {
    await server.close();
    metrics.close();
  });
  return { url: server.url, metrics, readiness, errors };
}
