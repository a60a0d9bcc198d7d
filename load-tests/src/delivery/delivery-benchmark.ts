import { performance } from 'node:perf_hooks';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { initHistogramRuntime } from '../../../services/scorer/src/metrics/hdr.ts';
import type { BenchConfig } from '../config.ts';
import { produceBacklog } from '../drain/backlog.ts';
import { DRAIN_DEADLINE_MS } from '../drain/drain-benchmark.ts';
import { drainResult } from '../drain/drain-figures.ts';
import type { DrainResult } from '../drain/drain-figures.ts';
import { drainTarget } from '../drain/drain-target.ts';
import { OutputOffsets } from '../drain/output-offsets.ts';
import { createBenchSimulation, TransactionPool } from '../generator/transaction-pool.ts';
import { GroupProgress } from '../kafka/group-progress.ts';
import { createLoadProducer } from '../kafka/load-producer.ts';
import { clockTicksPerSecond } from '../measure/cpu-sampler.ts';
import { SCORER_METRICS_INTERVAL_MS, startScorer } from '../processes/services.ts';
import { currentLoadAverage, describeMachine } from '../report/machine.ts';
import { createResultsDir, writeResult } from '../report/results-folder.ts';
import type { BenchDeps, BenchOutcome } from '../run/benchmark.ts';
import { deleteBenchResources, openTarget, useBrokers } from '../run/bench-setup.ts';
import { CleanupStack } from '../run/cleanup-stack.ts';
import { runPhase } from '../run/phase-runner.ts';
import type { PhaseResult } from '../run/phase-runner.ts';

export type Delivery = 'exactly-once' | 'at-least-once';
const DELIVERIES: readonly Delivery[] = ['exactly-once', 'at-least-once'];

export interface DeliveryFigures {
  readonly delivery: Delivery;
  readonly drain: DrainResult;
  /** The fixed-rate run: intended send → decision consumed, µs, over its measured records. */
  readonly fixed: {
    readonly latency: Pick<PhaseResult['latency'], 'p50' | 'p99' | 'p99_9'>;
    readonly counts: Pick<PhaseResult['counts'], 'sent' | 'decided' | 'missing' | 'duplicates'>;
  };
}

export interface DeliveryReport {
  readonly tool: 'fraud-stream load-tests';
  readonly mode: 'delivery';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly runId: string;
  readonly machine: ReturnType<typeof describeMachine>;
  readonly partitions: number;
  readonly backlog: number;
  readonly rate: number;
  readonly results: readonly DeliveryFigures[];
}

/**
 * What exactly-once delivery costs against at-least-once, in one invocation on one broker: the scorer in each
 * mode drains the same backlog (records/s, CPU per record), then takes the same open-loop fixed-rate traffic
 * (intended send → decision read by a read_committed consumer: p50, p99), each on its own group and topics, one
 * at a time, exactly-once first.
 */
export async function runDeliveryBenchmark(config: BenchConfig, deps: BenchDeps): Promise<BenchOutcome> {
  const { log, signal } = deps;
  const startedAt = new Date();
  const loadAtStart = currentLoadAverage();
  const cleanup = new CleanupStack(log);
  try {
    const dir = createResultsDir(config.outDir, startedAt);
    log(`results folder: ${dir}`);
    await initHistogramRuntime();
    const brokers = await useBrokers(config.brokers, deps.env, cleanup, log);
    const runId = `lt-${Date.now().toString(36)}`;
    const backlogTopic = `${runId}-backlog`;
    const labels = `${runId}-transaction-labels`;
    const scorerTopics = (delivery: Delivery, phase: 'drain' | 'live') => {
      const p = `${runId}-${delivery}-${phase}`;
      return {
        transactions: phase === 'drain' ? backlogTopic : `${p}-transactions`,
        decisions: `${p}-decisions`,
        deadLetters: `${p}-transactions.dlq`,
        labels,
        terminalCounts: `${p}-terminal-day-counts`,
        cardState: `${p}-card-state`,
      };
    };
    const all = DELIVERIES.flatMap((d) => [scorerTopics(d, 'drain'), scorerTopics(d, 'live')]);
    const { partitions } = config;
    await ensureTopics(brokers, [
      { name: backlogTopic, partitions },
      { name: labels, partitions: 1 },
      ...all.flatMap((t) => [
        ...(t.transactions === backlogTopic ? [] : [{ name: t.transactions, partitions }]),
        { name: t.decisions, partitions },
        { name: t.deadLetters, partitions: 1 },
        { name: t.terminalCounts, partitions, compacted: true },
        { name: t.cardState, partitions, compacted: true },
      ]),
    ]);
    if (!config.keepTopics) cleanup.defer('topics', () => deleteBenchResources(brokers, runId));
    log(`topics: ${runId}-* (${partitions} partitions)`);

    const pool = new TransactionPool(createBenchSimulation(config.seed, runId), createSchemaCodecs().transaction);
    const producer = createLoadProducer(brokers, 'lt-delivery');
    cleanup.defer('producer', () => producer.close());
    const { records } = config.drainBench;
    log(`backlog: producing ${records} transactions to ${backlogTopic}`);
    const produceStart = performance.now();
    await produceBacklog(producer, backlogTopic, pool, {
      records,
      maxBatch: config.maxBatch,
      maxInFlight: config.maxInFlight,
      signal,
      progress: (sent) => log(`  backlog: ${sent} acknowledged`),
    });
    log(`backlog: ${records} in ${((performance.now() - produceStart) / 1000).toFixed(1)} s`);
    const fixedRecords = pool.take(
      Math.round((config.fixed.rate * (config.fixed.warmupMs + config.fixed.measureMs)) / 1000),
    );

    const offsets = new OutputOffsets(brokers, `${runId}-drain-offsets`);
    cleanup.defer('output offsets', () => offsets.close());
    const progress = new GroupProgress(brokers, `${runId}-progress`);
    cleanup.defer('progress', () => progress.close());
    const ticksPerSecond = clockTicksPerSecond();
    const drains = new Map<Delivery, DrainResult>();
    for (const delivery of DELIVERIES) {
      const t = scorerTopics(delivery, 'drain');
      log(`drain: scorer, ${delivery}`);
      const measured = await drainTarget(
        {
          label: `scorer (${delivery})`,
          target: 'scorer',
          client: 'platformatic',
          node: process.version,
          onCompareNode: false,
          outputTopic: t.decisions,
          decided: async () => records - (await progress.behind(`${runId}-${delivery}-drain`, backlogTopic)),
          start: (onSpawn) =>
            startScorer(brokers, t, `${runId}-${delivery}-drain`, dir, {
              name: `scorer-${delivery}-drain`,
              delivery,
              cardStateTopic: t.cardState,
              deadlineMs: DRAIN_DEADLINE_MS,
              onSpawn,
            }),
        },
        {
          records,
          timeoutMs: config.drainBench.timeoutMs,
          offsets,
          ticksPerSecond,
          log,
          signal,
          children: deps.children,
        },
      );
      const result = drainResult(measured);
      drains.set(delivery, result);
      log(
        `  ${result.recordsPerSecond?.toFixed(0) ?? '—'} records/s, ${result.cpuUsPerRecord.toFixed(1)} CPU µs/record`,
      );
    }

    const results: DeliveryFigures[] = [];
    const spec = { label: 'fixed', ...config.fixed, arrivals: config.arrivals, seed: config.seed };
    for (const delivery of DELIVERIES) {
      const t = scorerTopics(delivery, 'live');
      log(`fixed rate: scorer, ${delivery}, at ${config.fixed.rate}/s`);
      const started = await startScorer(brokers, t, `${runId}-${delivery}-live`, dir, {
        name: `scorer-${delivery}-live`,
        delivery,
        cardStateTopic: t.cardState,
      });
      deps.children.add(started.service);
      try {
        const opened = await openTarget(
          brokers,
          'scorer',
          { input: t.transactions, output: t.decisions },
          `${runId}-${delivery}-measure`,
          deps.clock,
          log,
          { url: started.url, intervalMs: SCORER_METRICS_INTERVAL_MS },
        );
        try {
          const outcome = await runPhase(opened.target, spec, fixedRecords, {
            producer,
            clock: deps.clock,
            maxInFlight: config.maxInFlight,
            maxBatch: config.maxBatch,
            drainMs: config.drainMs,
            progressEveryMs: 5_000,
            log,
            signal,
          });
          outcome.latency.destroy();
          const { latency: l, counts: c } = outcome.result;
          log(
            `  sent ${c.sent}, decided ${c.decided}, missing ${c.missing}, dup ${c.duplicates}; ` +
              `p50 ${(l.p50 / 1000).toFixed(2)} ms, p99 ${(l.p99 / 1000).toFixed(2)} ms`,
          );
          results.push({ delivery, drain: drains.get(delivery)!, fixed: outcome.result });
        } finally {
          await opened.consumer.close();
        }
      } finally {
        await started.service.stop();
      }
    }

    const report: DeliveryReport = {
      tool: 'fraud-stream load-tests',
      mode: 'delivery',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: deps.command,
      runId,
      machine: describeMachine(loadAtStart),
      partitions,
      backlog: records,
      rate: config.fixed.rate,
      results,
    };
    const markdown = deliveryMarkdown(report);
    writeResult(dir, 'results.md', markdown);
    writeResult(dir, 'summary.json', `${JSON.stringify(report, null, 2)}\n`);
    return { dir, markdown, report };
  } finally {
    await cleanup.closeAll();
  }
}

export function deliveryMarkdown(r: DeliveryReport): string {
  const ms = (us: number) => (us / 1000).toFixed(2);
  const eo = r.results.find((x) => x.delivery === 'exactly-once');
  const alo = r.results.find((x) => x.delivery === 'at-least-once');
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;
  const rows = r.results.map(
    (x) =>
      `| ${x.delivery} | ${x.drain.recordsPerSecond?.toFixed(0) ?? '—'}/s | ${x.drain.cpuUsPerRecord.toFixed(1)} µs | ` +
      `${ms(x.fixed.latency.p50)} ms | ${ms(x.fixed.latency.p99)} ms | ${ms(x.fixed.latency.p99_9)} ms | ` +
      `${x.fixed.counts.missing} / ${x.fixed.counts.duplicates} |`,
  );
  return [
    `## Delivery: exactly-once vs at-least-once (${r.startedAt})`,
    '',
    `\`${r.command}\`; ${r.partitions} partitions; drain of ${r.backlog} transactions, then ${r.rate}/s open loop ` +
      '(intended send → decision read by a read_committed consumer).',
    '',
    '| delivery | drain | CPU per decision (drain) | p50 | p99 | p99.9 | missing / dup |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    ...(eo && alo
      ? [
          `| exactly-once ÷ at-least-once | ${ratio(eo.drain.recordsPerSecond, alo.drain.recordsPerSecond)} | ` +
            `${ratio(eo.drain.cpuUsPerRecord, alo.drain.cpuUsPerRecord)} | ${ratio(eo.fixed.latency.p50, alo.fixed.latency.p50)} | ` +
            `${ratio(eo.fixed.latency.p99, alo.fixed.latency.p99)} | ${ratio(eo.fixed.latency.p99_9, alo.fixed.latency.p99_9)} | |`,
        ]
      : []),
    '',
  ].join('\n');
}
