import { performance } from 'node:perf_hooks';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { ensureJars } from '../../../infra/kafka/jars.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { initHistogramRuntime } from '../../../services/scorer/src/metrics/hdr.ts';
import { runEndToEndLatency } from '../baselines/end-to-end-latency.ts';
import type { EndToEndLatencyResult } from '../baselines/end-to-end-output.ts';
import type { Clock } from '../clock.ts';
import type { BenchConfig, TargetName } from '../config.ts';
import { createBenchSimulation, TransactionPool } from '../generator/transaction-pool.ts';
import { createLoadProducer } from '../kafka/load-producer.ts';
import type { ChildService } from '../processes/child-service.ts';
import { SCORER_METRICS_INTERVAL_MS, startPassThrough, startScorer } from '../processes/services.ts';
import type { ScorerTopics } from '../processes/services.ts';
import type { BenchReport } from '../report/bench-report.ts';
import type { DeliveryReport } from '../delivery/delivery-benchmark.ts';
import type { DrainReport } from '../report/drain-report.ts';
import { currentLoadAverage, describeMachine } from '../report/machine.ts';
import { createResultsDir, writeResult } from '../report/results-folder.ts';
import { writeReport } from '../report/write-report.ts';
import type { FixedOutcomes } from '../report/write-report.ts';
import { benchTopics, createBenchTopics, deleteBenchResources, openTarget, useBrokers } from './bench-setup.ts';
import type { BenchTopics } from './bench-setup.ts';
import { CleanupStack } from './cleanup-stack.ts';
import { runPhase } from './phase-runner.ts';
import type { PhaseDeps, PhaseTarget } from './phase-runner.ts';
import { highestSustainableRate, judgeStep } from './sweep-verdict.ts';
import type { SweepStep } from './sweep-verdict.ts';

export interface BenchDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly command: string;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
  /** Every child process started, so a second Ctrl-C can kill them at once. */
  readonly children: Set<ChildService>;
}

export interface BenchOutcome {
  readonly report: BenchReport | DrainReport | DeliveryReport;
  readonly dir: string;
  readonly markdown: string;
}

/**
 * The standard benchmark: the broker (started if needed), unique topics, Kafka's EndToEndLatency, the
 * pass-through and the scorer as child processes, a fixed-rate run against both, a sweep of both; everything
 * it started is stopped on the way out, also on abort.
 */
export async function runBenchmark(config: BenchConfig, deps: BenchDeps): Promise<BenchOutcome> {
  const { log, signal } = deps;
  const startedAt = new Date();
  const loadAtStart = currentLoadAverage();
  const cleanup = new CleanupStack(log);
  try {
    const dir = createResultsDir(config.outDir, startedAt);
    log(`results folder: ${dir}`);
    await initHistogramRuntime();
    const brokerConfig = loadBrokerConfig(deps.env);
    const brokers = await useBrokers(config.brokers, deps.env, cleanup, log);
    const runId = `lt-${Date.now().toString(36)}`;
    const topics = benchTopics(runId);
    await createBenchTopics(brokers, topics, config.partitions);
    if (!config.keepTopics) cleanup.defer('topics', () => deleteBenchResources(brokers, runId));
    log(`topics: ${runId}-* (${config.partitions} partitions)`);

    const pool = new TransactionPool(createBenchSimulation(config.seed, runId), createSchemaCodecs().transaction);
    const generated = performance.now();
    const fixedRecords = pool.take(
      Math.round((config.fixed.rate * (config.fixed.warmupMs + config.fixed.measureMs)) / 1000),
    );
    const messageBytes = Math.round(pool.meanValueBytes);
    log(
      `pre-generated ${fixedRecords.length} transactions in ${(performance.now() - generated).toFixed(0)} ms (mean ${messageBytes} bytes)`,
    );

    let endToEnd: EndToEndLatencyResult | undefined;
    if (config.e2eMessages > 0) {
      log(`baseline: Kafka EndToEndLatency, ${config.e2eMessages} messages of ${messageBytes} bytes, acks=all`);
      endToEnd = await runEndToEndLatency({
        classpath: ensureJars(brokerConfig.libsDir, (line) => log(`kafka: ${line}`)),
        broker: brokers[0]!,
        topic: topics.endToEnd,
        messages: config.e2eMessages,
        messageBytes,
        outDir: dir,
        timeoutMs: 60_000 + config.e2eMessages * 100,
        signal,
      });
      log(
        `  EndToEndLatency: avg ${endToEnd.avgMs} ms, p50 ${endToEnd.p50Ms} ms, p99 ${endToEnd.p99Ms} ms, p99.9 ${endToEnd.p999Ms} ms`,
      );
    }

    const wanted = ORDER.filter((name) => config.targets.includes(name));
    log(`starting ${wanted.join(' and ')}`);
    const services = new Map<TargetName, ChildService>();
    const track = (name: TargetName, service: ChildService): void => {
      services.set(name, service);
      deps.children.add(service);
      cleanup.defer(name, () => service.stop());
    };
    let scorerUrl = '';
    const starting = wanted.map((name) =>
      name === 'pass-through'
        ? startPassThrough(brokers, topics.passIn, topics.passOut, `${runId}-pass`, dir).then((s) => track(name, s))
        : startScorer(brokers, scorerTopics(topics), `${runId}-scorer`, dir).then((s) => {
            scorerUrl = s.url;
            track(name, s.service);
          }),
    );
    for (const s of await Promise.allSettled(starting)) if (s.status === 'rejected') throw s.reason;

    const producer = createLoadProducer(brokers, 'lt-bench');
    cleanup.defer('producer', () => producer.close());
    const targets = new Map<TargetName, PhaseTarget>();
    for (const name of wanted) {
      const scorer = name === 'scorer';
      const opened = await openTarget(
        brokers,
        name,
        scorer
          ? { input: topics.scorerIn, output: topics.decisions }
          : { input: topics.passIn, output: topics.passOut },
        `${runId}-measure-${name}`,
        deps.clock,
        log,
        scorer ? { url: scorerUrl, intervalMs: SCORER_METRICS_INTERVAL_MS } : undefined,
      );
      cleanup.defer(`${name} output consumer`, () => opened.consumer.close());
      targets.set(name, opened.target);
    }

    const phaseDeps: PhaseDeps = {
      producer,
      clock: deps.clock,
      maxInFlight: config.maxInFlight,
      maxBatch: config.maxBatch,
      drainMs: config.drainMs,
      progressEveryMs: 5_000,
      log,
      signal,
    };
    const fixedSpec = { label: 'fixed', ...config.fixed, arrivals: config.arrivals, seed: config.seed };
    const fixed: FixedOutcomes = {};
    for (const name of wanted) {
      log(
        `fixed rate: ${name} at ${config.fixed.rate}/s, ${config.fixed.warmupMs / 1000}s warm-up + ${config.fixed.measureMs / 1000}s measured`,
      );
      const outcome = await runPhase(targets.get(name)!, fixedSpec, fixedRecords, phaseDeps);
      fixed[name] = outcome;
      cleanup.defer(`${name} histograms`, () => outcome.latency.destroy());
      log(`  ${summaryLine(outcome.result.latency, outcome.result.counts)}`);
    }

    const sweeps: Record<TargetName, SweepStep[]> = { scorer: [], 'pass-through': [] };
    const sweepFiles: string[] = [];
    // Rate by rate, the pipelines take turns, so both meet the machine in about the same state (it is shared).
    const active = new Set(config.sweep.rates.length > 0 ? wanted : []);
    for (const [i, rate] of config.sweep.rates.entries()) {
      for (const name of wanted.filter((n) => active.has(n))) {
        log(`sweep: ${name} at ${rate}/s`);
        const records = pool.take(Math.round((rate * (config.sweep.warmupMs + config.sweep.measureMs)) / 1000));
        const spec = {
          label: 'sweep',
          rate,
          warmupMs: config.sweep.warmupMs,
          measureMs: config.sweep.measureMs,
          arrivals: config.arrivals,
          seed: config.seed + i + 1,
        };
        const outcome = await runPhase(targets.get(name)!, spec, records, phaseDeps);
        sweepFiles.push(writeResult(dir, `${name}-sweep-${rate}.hgrm`, outcome.latency.hgrm()));
        outcome.latency.destroy();
        const verdict = judgeStep(outcome.result, config.budgetMs);
        sweeps[name].push({ result: outcome.result, verdict });
        log(
          `  ${summaryLine(outcome.result.latency, outcome.result.counts)}  → ${verdict.sustainable ? 'sustainable' : verdict.reason}`,
        );
        if (!verdict.sustainable) {
          active.delete(name);
          // Past its limit it would keep working off its backlog while the other pipeline is measured.
          await services.get(name)?.stop();
        }
      }
    }

    const report: BenchReport = {
      tool: 'fraud-stream load-tests',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: deps.command,
      machine: describeMachine(loadAtStart),
      unit: 'us',
      budgetMs: config.budgetMs,
      arrivals: config.arrivals,
      messageBytes,
      partitions: config.partitions,
      endToEndLatency: endToEnd,
      fixed: { passThrough: fixed['pass-through']?.result, scorer: fixed.scorer?.result },
      sweep: {
        scorer: sweeps.scorer,
        passThrough: sweeps['pass-through'],
        highestSustainable: {
          scorer: highestSustainableRate(sweeps.scorer),
          passThrough: highestSustainableRate(sweeps['pass-through']),
        },
      },
      files: sweepFiles,
    };
    const written = writeReport(dir, report, fixed);
    return { report: written.report, dir, markdown: written.markdown };
  } finally {
    await cleanup.closeAll();
  }
}

/** The fixed-rate runs go pass-through first, then the scorer (a warmer broker favours the scorer, if anything). */
const ORDER: readonly TargetName[] = ['pass-through', 'scorer'];

function scorerTopics(t: BenchTopics): ScorerTopics {
  return {
    transactions: t.scorerIn,
    decisions: t.decisions,
    deadLetters: t.deadLetters,
    labels: t.labels,
    terminalCounts: t.terminalCounts,
  };
}

function summaryLine(
  l: { p50: number; p99: number; p99_9: number; max: number },
  c: { sent: number; decided: number; missing: number; duplicates: number },
): string {
  const ms = (us: number): string => (us / 1000).toFixed(2);
  return `sent ${c.sent}, decided ${c.decided}, missing ${c.missing}, dup ${c.duplicates}; p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, p99.9 ${ms(l.p99_9)} ms, max ${ms(l.max)} ms`;
}
