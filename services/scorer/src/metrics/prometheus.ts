import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ACTIONS } from '../../../../schemas/src/types.ts';
import type { ModelQuality } from '../core/quality/live-quality.ts';
import type { HistogramWindow } from './latency-histogram.ts';
import {
  CHALLENGER_OUTCOMES,
  COMMIT_RESULTS,
  DEGRADED_REASONS,
  LATENCY_NAMES,
  MODEL_CHANGE_RESULTS,
  MODEL_ROLES,
} from './scorer-metrics.ts';
import type { LatencySnapshot, SnapshotSource } from './snapshot.ts';

export interface MetricsRegistryOptions {
  /** Default `scorer_`. */
  prefix?: string;
  /** Process and Node metrics, event-loop delay among them (the model's `run()` blocks the loop); default true. */
  defaultMetrics?: boolean;
}

type Labels = Record<string, string>;
/** One series: its labels (`{}` for none) and its value. */
type Sample = readonly [labels: Labels, value: number];

/** A metric family read from the snapshot: every series it lists is exported, and no other. */
interface Family {
  type: 'counter' | 'gauge';
  /** Without the prefix. */
  name: string;
  help: string;
  labelNames?: readonly string[];
  samples: (snapshot: LatencySnapshot) => readonly Sample[];
}

const QUALITY_FIGURES = [
  ['rows', 'rows'],
  ['frauds', 'frauds'],
  ['decline_recall', 'declineRecall'],
  ['decline_precision', 'declinePrecision'],
  ['flagged_recall', 'flaggedRecall'],
  ['flagged_precision', 'flaggedPrecision'],
  ['false_positive_rate', 'falsePositiveRate'],
  ['average_precision', 'averagePrecision'],
  ['card_precision_at_k', 'cardPrecisionAtK'],
  ['labelled_share', 'labelledShare'],
] as const satisfies readonly (readonly [string, keyof ModelQuality])[];

const PERCENTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.99', 'p99'],
  ['0.999', 'p99_9'],
  ['0.9999', 'p99_99'],
] as const;
const WINDOWS: readonly HistogramWindow[] = ['cumulative', 'interval'];
const US_PER_SECOND = 1_000_000;

/** Each latency in each window that has observations: an empty one has no percentiles (a 0 reads as "fast"). */
function observedWindows(snapshot: LatencySnapshot) {
  return LATENCY_NAMES.flatMap((latency) =>
    WINDOWS.map((window) => ({ latency, window, stats: snapshot.latency[latency][window] })),
  ).filter(({ stats }) => stats.count > 0);
}

const FAMILIES: readonly Family[] = [
  {
    type: 'counter',
    name: 'transactions_in_total',
    help: 'Transactions received from the input topic.',
    samples: (s) => [[{}, s.totals.transactionsIn]],
  },
  {
    type: 'counter',
    name: 'decisions_total',
    help: 'Decisions acknowledged by the broker, by action.',
    labelNames: ['action'],
    samples: (s) => ACTIONS.map((action) => [{ action }, s.totals.decisions[action]]),
  },
  {
    // Was unlabelled: sum by reason for the old series.
    type: 'counter',
    name: 'decisions_degraded_total',
    help: 'Decisions made without the model, by reason (model-failed, deadline); the sum is every degraded decision.',
    labelNames: ['reason'],
    samples: (s) => DEGRADED_REASONS.map((reason) => [{ reason }, s.totals.degradedByReason[reason]]),
  },
  {
    type: 'counter',
    name: 'dead_letters_total',
    help: 'Records sent to the dead-letter topic, transactions and labels, by the stage that rejected them.',
    labelNames: ['stage'],
    samples: (s) => Object.entries(s.totals.deadLettersByStage).map(([stage, count]) => [{ stage }, count]),
  },
  {
    type: 'gauge',
    name: 'latency_seconds',
    help: 'Latency percentiles from the HDR histograms, since start (cumulative) and over the last interval.',
    // `percentile`, not `quantile`: that label belongs to summaries, and these are HDR percentiles per window.
    labelNames: ['latency', 'window', 'percentile'],
    samples: (s) =>
      observedWindows(s).flatMap(({ latency, window, stats }) =>
        PERCENTILES.map(([percentile, key]) => [{ latency, window, percentile }, stats[key] / US_PER_SECOND] as const),
      ),
  },
  {
    type: 'gauge',
    name: 'latency_max_seconds',
    help: 'Highest latency recorded, since start (cumulative) and over the last interval.',
    labelNames: ['latency', 'window'],
    samples: (s) =>
      observedWindows(s).map(({ latency, window, stats }) => [{ latency, window }, stats.max / US_PER_SECOND]),
  },
  {
    type: 'counter',
    name: 'latency_observations_total',
    help: 'Observations in the cumulative latency histograms (updated once per interval).',
    labelNames: ['latency'],
    samples: (s) => LATENCY_NAMES.map((latency) => [{ latency }, s.latency[latency].cumulative.count]),
  },
  {
    type: 'counter',
    name: 'latency_clamped_total',
    help: 'Latency observations above 60 s, recorded as 60 s.',
    labelNames: ['latency'],
    samples: (s) => LATENCY_NAMES.map((latency) => [{ latency }, s.latency[latency].cumulative.clamped]),
  },
  {
    type: 'gauge',
    name: 'throughput_per_second',
    help: 'Records per second over the last interval: transactions in, decisions out.',
    labelNames: ['direction'],
    samples: (s) => [
      [{ direction: 'in' }, s.throughput.inPerSecond],
      [{ direction: 'out' }, s.throughput.outPerSecond],
    ],
  },
  {
    type: 'gauge',
    name: 'consumer_lag',
    help: 'Records behind the end of each assigned input partition.',
    labelNames: ['topic', 'partition'],
    samples: (s) => s.lag.map(({ topic, partition, lag }) => [{ topic, partition: String(partition) }, lag]),
  },
  {
    type: 'counter',
    name: 'rebalances_total',
    help: 'Rebalances of the transactions consumer group that this member took part in.',
    samples: (s) => [[{}, s.consumerGroup.rebalances]],
  },
  {
    type: 'gauge',
    name: 'assigned_partitions',
    help: 'Input partitions this member owns now; 0 while it owns none.',
    samples: (s) => [[{}, s.consumerGroup.assignment.reduce((sum, { partitions }) => sum + partitions.length, 0)]],
  },
  {
    type: 'gauge',
    name: 'assigned_partition_info',
    help: 'One series per input partition this member owns now; the value is always 1.',
    labelNames: ['topic', 'partition'],
    samples: (s) =>
      s.consumerGroup.assignment.flatMap(({ topic, partitions }) =>
        partitions.map((partition) => [{ topic, partition: String(partition) }, 1] as const),
      ),
  },
  {
    type: 'counter',
    name: 'offset_commits_total',
    help: 'Offset commits of the transactions consumer: ok, stale (refused because the group had moved on), failed.',
    labelNames: ['result'],
    samples: (s) => COMMIT_RESULTS.map((result) => [{ result }, s.consumerGroup.commits[result]]),
  },
  {
    type: 'gauge',
    name: 'state_cards',
    help: 'Cards held in the in-memory feature state.',
    samples: (s) => [[{}, s.state.cards]],
  },
  {
    type: 'gauge',
    name: 'state_terminal_cells',
    help: 'Terminal-day cells held in the in-memory feature state.',
    samples: (s) => [[{}, s.state.terminalCells]],
  },
  {
    type: 'gauge',
    name: 'state_restoring_partitions',
    help: 'Input partitions whose card state and terminal counts are being restored from their changelog now.',
    samples: (s) => [[{}, s.restore.restoring]],
  },
  {
    type: 'counter',
    name: 'state_restored_partitions_total',
    help: 'Input partitions restored from their changelog (at assignment, and after an aborted transaction).',
    samples: (s) => [[{}, s.restore.partitions]],
  },
  {
    type: 'counter',
    name: 'state_restored_records_total',
    help: 'Changelog records (card states and terminal counts) read back by restores.',
    samples: (s) => [[{}, s.restore.records]],
  },
  {
    type: 'counter',
    name: 'state_restore_seconds_total',
    help: 'Time spent restoring partition state, in seconds.',
    samples: (s) => [[{}, s.restore.seconds]],
  },
  {
    type: 'gauge',
    name: 'model_info',
    help: 'The models serving, by role (champion decides, challenger shadows) and version, as labels; always 1.',
    labelNames: ['role', 'version'],
    samples: (s) => {
      const serving: Sample[] = [];
      if (s.modelVersion !== null) serving.push([{ role: 'champion', version: s.modelVersion }, 1]);
      if (s.models.challengerVersion !== null) {
        serving.push([{ role: 'challenger', version: s.models.challengerVersion }, 1]);
      }
      return serving;
    },
  },
  {
    type: 'counter',
    name: 'model_changes_total',
    help: 'Requests to change a model (swap, challenger set or removed, promotion), by role and result.',
    labelNames: ['role', 'result'],
    samples: (s) =>
      MODEL_ROLES.flatMap((role) =>
        MODEL_CHANGE_RESULTS.map((result) => [{ role, result }, s.models.changes[role][result]] as const),
      ),
  },
  {
    type: 'counter',
    name: 'challenger_rows_total',
    help: 'Rows of champion calls by what the challenger did with them: scored, failed, slow (scored, then paused), paused.',
    labelNames: ['outcome'],
    samples: (s) => CHALLENGER_OUTCOMES.map((outcome) => [{ outcome }, s.models.challengerRows[outcome]] as const),
  },
  {
    type: 'counter',
    name: 'challenger_seconds_total',
    help: "Time in the challenger's own model calls, seconds: its cost beside the champion's.",
    samples: (s) => [[{}, s.models.challengerSeconds]],
  },
  {
    type: 'gauge',
    name: 'model_quality',
    help:
      'Live quality per model and role over the event-time window, from the fraud reports so far: rows, frauds, ' +
      'decline and flagged (decline or review) recall and precision, false-positive rate, average precision, card ' +
      'precision@100, labelled share. A figure with nothing to divide by is absent.',
    labelNames: ['role', 'version', 'figure'],
    samples: (s) =>
      (s.quality?.models ?? []).flatMap((m) =>
        QUALITY_FIGURES.flatMap(([figure, key]) => {
          const value = m[key];
          return value === null ? [] : [[{ role: m.role, version: m.version, figure }, value] as const];
        }),
      ),
  },
  {
    type: 'gauge',
    name: 'model_quality_window_seconds',
    help: 'The event-time window the live quality covers, and how late labels are assumed to come, seconds.',
    labelNames: ['what'],
    samples: (s) =>
      s.quality === null
        ? []
        : [
            [{ what: 'window' }, s.quality.windowMs / 1000],
            [{ what: 'label_delay' }, s.quality.labelDelayMs / 1000],
          ],
  },
  {
    type: 'counter',
    name: 'explanations_total',
    help: "Decisions that carried the model's TreeSHAP explanation (REVIEW and DECLINE ones it scored, by default).",
    samples: (s) => [[{}, s.explanations]],
  },
  {
    type: 'gauge',
    name: 'feature_psi',
    help:
      "Population stability index of each feature: the latest rows scored against the champion's training rows " +
      '(under 0.1 stable, 0.1-0.25 shifting, over 0.25 drifted). Absent before enough rows or without a reference.',
    labelNames: ['feature'],
    samples: (s) => (s.drift?.features ?? []).map((f) => [{ feature: f.name }, f.psi] as const),
  },
  {
    type: 'gauge',
    name: 'feature_drift_rows',
    help: 'Rows behind the feature PSI: live rows held, the live window, and the training rows of the reference.',
    labelNames: ['what'],
    samples: (s) =>
      s.drift === null
        ? []
        : [
            [{ what: 'live' }, s.drift.rows],
            [{ what: 'window' }, s.drift.windowRows],
            [{ what: 'reference' }, s.drift.referenceRows],
          ],
  },
  {
    type: 'gauge',
    name: 'uptime_seconds',
    help: 'Seconds since the metrics were created.',
    samples: (s) => [[{}, s.uptimeSeconds]],
  },
];

/**
 * A registry of its own (never prom-client's global one) whose values are read from the snapshot at scrape time,
 * so the hot path only bumps plain numbers. Latencies are exported in seconds, as Prometheus expects.
 */
export function createMetricsRegistry(source: SnapshotSource, options: MetricsRegistryOptions = {}): Registry {
  const prefix = options.prefix ?? 'scorer_';
  const registry = new Registry();
  // prom-client runs every collect() in the same task when scraped: one snapshot serves them all, so the families
  // of one scrape agree with each other (decisions and degraded decisions counted at the same moment).
  let scrape: LatencySnapshot | undefined;
  const read = (): LatencySnapshot => {
    if (scrape === undefined) {
      scrape = source.snapshot({ encoded: false, distribution: false });
      queueMicrotask(() => (scrape = undefined));
    }
    return scrape;
  };
  for (const family of FAMILIES) register(registry, prefix, family, read);
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters (`promtool check metrics` refuses them); nodejs_active_handles and its kin,
    // by type, carry the same counts.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      registry.removeSingleMetric(name);
  }
  return registry;
}

function register(registry: Registry, prefix: string, family: Family, read: () => LatencySnapshot): void {
  const config = {
    name: `${prefix}${family.name}`,
    help: family.help,
    labelNames: family.labelNames ?? [],
    registers: [registry],
  };
  if (family.type === 'counter') {
    new Counter({
      ...config,
      collect() {
        this.reset();
        for (const [labels, value] of family.samples(read())) this.inc(labels, value);
      },
    });
  } else {
    new Gauge({
      ...config,
      collect() {
        this.reset();
        for (const [labels, value] of family.samples(read())) this.set(labels, value);
      },
    });
  }
}
