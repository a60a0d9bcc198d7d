import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ACTIONS } from '../../../../schemas/src/types.ts';
import type { HistogramWindow } from './latency-histogram.ts';
import { LATENCY_NAMES } from './scorer-metrics.ts';
import type { LatencySnapshot, SnapshotSource } from './snapshot.ts';

export interface MetricsRegistryOptions {
  /** Default `scorer_`. */
  prefix?: string;
  /** Process and Node metrics, event-loop delay among them (the model's `run()` blocks the loop); default true. */
  defaultMetrics?: boolean;
}

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.99', 'p99'],
  ['0.999', 'p99_9'],
  ['0.9999', 'p99_99'],
] as const;
const WINDOWS: readonly HistogramWindow[] = ['cumulative', 'interval'];
const US_PER_SECOND = 1_000_000;

/**
 * A registry of its own (never prom-client's global one) whose values are read from the snapshot at scrape time,
 * so the hot path only bumps plain numbers. Latencies are exported in seconds, as Prometheus expects.
 */
export function createMetricsRegistry(source: SnapshotSource, options: MetricsRegistryOptions = {}): Registry {
  const prefix = options.prefix ?? 'scorer_';
  const registry = new Registry();
  const registers = [registry];
  const read = (): LatencySnapshot => source.snapshot({ encoded: false, distribution: false });

  new Counter({
    name: `${prefix}transactions_in_total`,
    help: 'Transactions received from the input topic.',
    registers,
    collect() {
      this.reset();
      this.inc(read().totals.transactionsIn);
    },
  });
  new Counter({
    name: `${prefix}decisions_total`,
    help: 'Decisions acknowledged by the broker, by action.',
    labelNames: ['action'],
    registers,
    collect() {
      const { decisions } = read().totals;
      this.reset();
      for (const action of ACTIONS) this.inc({ action }, decisions[action]);
    },
  });
  new Counter({
    name: `${prefix}decisions_degraded_total`,
    help: 'Decisions made without the model (model failure or deadline passed).',
    registers,
    collect() {
      this.reset();
      this.inc(read().totals.degraded);
    },
  });
  new Counter({
    name: `${prefix}dead_letters_total`,
    help: 'Records sent to the dead-letter topic, by the stage that rejected them.',
    labelNames: ['stage'],
    registers,
    collect() {
      const byStage = read().totals.deadLettersByStage;
      this.reset();
      for (const [stage, count] of Object.entries(byStage)) this.inc({ stage }, count);
    },
  });
  new Gauge({
    name: `${prefix}latency_seconds`,
    help: 'Latency percentiles from the HDR histograms, since start (cumulative) and over the last interval.',
    labelNames: ['latency', 'window', 'quantile'],
    registers,
    collect() {
      const { latency } = read();
      this.reset();
      for (const name of LATENCY_NAMES) {
        for (const window of WINDOWS) {
          const stats = latency[name][window];
          // An empty window has no percentiles: a 0 would read as "very fast" on a graph.
          if (stats.count === 0) continue;
          for (const [quantile, key] of QUANTILES) {
            this.set({ latency: name, window, quantile }, stats[key] / US_PER_SECOND);
          }
        }
      }
    },
  });
  new Gauge({
    name: `${prefix}latency_max_seconds`,
    help: 'Highest latency recorded, since start (cumulative) and over the last interval.',
    labelNames: ['latency', 'window'],
    registers,
    collect() {
      const { latency } = read();
      this.reset();
      for (const name of LATENCY_NAMES) {
        for (const window of WINDOWS) {
          const stats = latency[name][window];
          if (stats.count > 0) this.set({ latency: name, window }, stats.max / US_PER_SECOND);
        }
      }
    },
  });
  new Counter({
    name: `${prefix}latency_observations_total`,
    help: 'Observations in the cumulative latency histograms (updated once per interval).',
    labelNames: ['latency'],
    registers,
    collect() {
      const { latency } = read();
      this.reset();
      for (const name of LATENCY_NAMES) this.inc({ latency: name }, latency[name].cumulative.count);
    },
  });
  new Counter({
    name: `${prefix}latency_clamped_total`,
    help: 'Latency observations above 60 s, recorded as 60 s.',
    labelNames: ['latency'],
    registers,
    collect() {
      const { latency } = read();
      this.reset();
      for (const name of LATENCY_NAMES) this.inc({ latency: name }, latency[name].cumulative.clamped);
    },
  });
  new Gauge({
    name: `${prefix}throughput_per_second`,
    help: 'Records per second over the last interval: transactions in, decisions out.',
    labelNames: ['direction'],
    registers,
    collect() {
      const { throughput } = read();
      this.set({ direction: 'in' }, throughput.inPerSecond);
      this.set({ direction: 'out' }, throughput.outPerSecond);
    },
  });
  new Gauge({
    name: `${prefix}consumer_lag`,
    help: 'Records behind the end of each assigned input partition.',
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      const { lag } = read();
      this.reset();
      for (const entry of lag) this.set({ topic: entry.topic, partition: String(entry.partition) }, entry.lag);
    },
  });
  new Gauge({
    name: `${prefix}model_info`,
    help: 'The loaded model version, as a label; the value is always 1.',
    labelNames: ['version'],
    registers,
    collect() {
      const { modelVersion } = read();
      this.reset();
      if (modelVersion !== null) this.set({ version: modelVersion }, 1);
    },
  });
  new Gauge({
    name: `${prefix}uptime_seconds`,
    help: 'Seconds since the metrics were created.',
    registers,
    collect() {
      this.set(read().uptimeSeconds);
    },
  });

  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
