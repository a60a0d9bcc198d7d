import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { FlagError } from '../../../services/cli/src/flags.ts';
import type { BenchConfig } from '../config.ts';
import { createBenchSimulation, TransactionPool } from '../generator/transaction-pool.ts';
import { GroupProgress } from '../kafka/group-progress.ts';
import { createLoadProducer } from '../kafka/load-producer.ts';
import { clockTicksPerSecond } from '../measure/cpu-sampler.ts';
import { produceBacklog } from './backlog.ts';
import { startPassThrough, startScorer } from '../processes/services.ts';
import type { DrainReport } from '../report/drain-report.ts';
import { drainMarkdown } from '../report/drain-tables.ts';
import { currentLoadAverage, describeMachine } from '../report/machine.ts';
import { createResultsDir, writeResult } from '../report/results-folder.ts';
import type { BenchDeps, BenchOutcome } from '../run/benchmark.ts';
import { deleteBenchResources, useBrokers } from '../run/bench-setup.ts';
import { CleanupStack } from '../run/cleanup-stack.ts';
import { drainComparisons, drainResult } from './drain-figures.ts';
import type { DrainResult, DrainTargetName } from './drain-figures.ts';
import { CPU_SAMPLE_MS, drainTarget } from './drain-target.ts';
import type { DrainTargetSpec } from './drain-target.ts';
import { OutputOffsets } from './output-offsets.ts';

/**
 * The scorer's --deadline-ms for the drain, its largest allowed (10 min): a backlog is old by design, and a
 * record past the deadline would be decided by rules alone, which is not the work to measure.
 */
export const DRAIN_DEADLINE_MS = 600_000;

/**
 * The drain benchmark: a backlog of transactions is produced to one topic before any consumer runs, then the
 * targets drain it one after the other, each as a child process on its own consumer group and output topic,
 * so each meets the same records on the same broker. Per target: records/s from its first to its last output,
 * and its process's CPU time per record.
 */
export async function runDrainBenchmark(config: BenchConfig, deps: BenchDeps): Promise<BenchOutcome> {
  const { log, signal } = deps;
  const { records, timeoutMs, targets, compareNode } = config.drainBench;
  const startedAt = new Date();
  const loadAtStart = currentLoadAverage();
  const cleanup = new CleanupStack(log);
  try {
    const dir = createResultsDir(config.outDir, startedAt);
    log(`results folder: ${dir}`);
    const otherNode = compareNode === undefined ? undefined : nodeVersion(compareNode);
    const brokers = await useBrokers(config.brokers, deps.env, cleanup, log);
    const runId = `lt-${Date.now().toString(36)}`;
    const t = drainTopics(runId);
    const progress = new GroupProgress(brokers, `${runId}-progress`);
    cleanup.defer('progress', () => progress.close());
    const specs = targetSpecs(targets, otherNode, t, { brokers, runId, dir, records, progress });
    const outputs = specs.map((s) => s.outputTopic).filter((name) => name !== t.decisions);
    await ensureTopics(brokers, [
      ...[t.backlog, t.decisions, ...outputs].map((name) => ({ name, partitions: config.partitions })),
      { name: t.terminalCounts, partitions: config.partitions, compacted: true },
      ...[t.deadLetters, t.labels].map((name) => ({ name, partitions: 1 })),
    ]);
    if (!config.keepTopics) cleanup.defer('topics', () => deleteBenchResources(brokers, runId));
    log(`topics: ${runId}-* (${config.partitions} partitions)`);

    const pool = new TransactionPool(createBenchSimulation(config.seed, runId), createSchemaCodecs().transaction);
    const producer = createLoadProducer(brokers, 'lt-drain-backlog');
    cleanup.defer('producer', () => producer.close());
    log(`backlog: producing ${records} transactions to ${t.backlog}`);
    const produceStart = performance.now();
    await produceBacklog(producer, t.backlog, pool, {
      records,
      maxBatch: config.maxBatch,
      maxInFlight: config.maxInFlight,
      signal,
      progress: (sent) => log(`  backlog: ${sent} acknowledged`),
    });
    const produceMs = performance.now() - produceStart;
    log(`backlog: ${records} in ${(produceMs / 1000).toFixed(1)} s (mean ${Math.round(pool.meanValueBytes)} bytes)`);
    await producer.close();

    const offsets = new OutputOffsets(brokers, `${runId}-drain-offsets`);
    cleanup.defer('output offsets', () => offsets.close());
    const ticksPerSecond = clockTicksPerSecond();
    const results: DrainResult[] = [];
    for (const spec of specs) {
      log(`drain: ${spec.label} (node ${spec.node})`);
      const measured = await drainTarget(spec, {
        records,
        timeoutMs,
        offsets,
        ticksPerSecond,
        log,
        signal,
        children: deps.children,
      });
      const result = drainResult(measured);
      results.push(result);
      log(
        `  ${spec.label}: ${result.recordsPerSecond?.toFixed(0) ?? '—'} records/s, ` +
          `${result.cpuUsPerRecord.toFixed(1)} CPU µs/record, load ${result.loadAverage1m.end.toFixed(2)}`,
      );
    }

    const report: DrainReport = {
      tool: 'fraud-stream load-tests',
      mode: 'drain',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: deps.command,
      runId,
      machine: describeMachine(loadAtStart),
      messageBytes: Math.round(pool.meanValueBytes),
      partitions: config.partitions,
      backlog: { records, produceMs: Math.round(produceMs) },
      method: [
        'records/s: (records − 1) ÷ (last − first output), from the Kafka timestamps (CreateTime) that the ' +
          "target's producer gave its first and last output record; start-up is outside it.",
        "CPU: the child process's utime + stime (all threads) from /proc/PID/stat, sampled every " +
          `${CPU_SAMPLE_MS} ms, from the last sample before its first output to the first after its last; ` +
          'divided by the records; no idle baseline is taken off (the window holds at most two sampling periods more).',
        'cores: that CPU time ÷ the window. Load: the 1-minute load average when the target was ready and when ' +
          'it had drained (the machine is shared; a high one means the figures are of a busy machine).',
        `Each target drains the same backlog on its own group and output topic; the scorer first (--deadline-ms ` +
          `${DRAIN_DEADLINE_MS}, so that no decision is degraded by the backlog's age), then the pass-throughs.`,
      ],
      targets: results,
      comparisons: drainComparisons(results),
      files: ['results.md', 'summary.json'],
    };
    const markdown = drainMarkdown(report);
    writeResult(dir, 'results.md', markdown);
    writeResult(dir, 'summary.json', `${JSON.stringify(report, null, 2)}\n`);
    return { dir, markdown, report };
  } finally {
    await cleanup.closeAll();
  }
}

interface DrainTopics {
  readonly backlog: string;
  readonly decisions: string;
  readonly deadLetters: string;
  readonly labels: string;
  readonly terminalCounts: string;
  readonly out: (slug: string) => string;
}

function drainTopics(runId: string): DrainTopics {
  return {
    backlog: `${runId}-backlog`,
    decisions: `${runId}-decisions`,
    deadLetters: `${runId}-transactions.dlq`,
    labels: `${runId}-transaction-labels`,
    terminalCounts: `${runId}-terminal-day-counts`,
    out: (slug) => `${runId}-out-${slug}`,
  };
}

function targetSpecs(
  targets: readonly DrainTargetName[],
  otherNode: OtherNode | undefined,
  t: DrainTopics,
  run: {
    brokers: readonly string[];
    runId: string;
    dir: string;
    records: number;
    progress: GroupProgress;
  },
): DrainTargetSpec[] {
  const { brokers, runId, dir } = run;
  const specs: DrainTargetSpec[] = [];
  const passThrough = (client: 'platformatic' | 'kafkajs', name: string, node?: OtherNode): DrainTargetSpec => ({
    label: name,
    target: client === 'kafkajs' ? 'pass-through-kafkajs' : 'pass-through',
    client,
    node: node?.version ?? process.version,
    onCompareNode: node !== undefined,
    outputTopic: t.out(name),
    start: async (onSpawn) => ({
      service: await startPassThrough(brokers, t.backlog, t.out(name), `${runId}-${name}`, dir, {
        client,
        name,
        node: node?.path,
        onSpawn,
      }),
    }),
  });
  for (const target of targets) {
    if (target === 'scorer') {
      specs.push({
        label: 'scorer',
        target,
        client: 'platformatic',
        node: process.version,
        onCompareNode: false,
        outputTopic: t.decisions,
        // Exactly-once: its decisions topic holds a commit marker per transaction besides the decisions.
        decided: async () => run.records - (await run.progress.behind(`${runId}-scorer`, t.backlog)),
        start: async (onSpawn) => {
          const topics = {
            transactions: t.backlog,
            decisions: t.decisions,
            deadLetters: t.deadLetters,
            labels: t.labels,
            terminalCounts: t.terminalCounts,
          };
          const { service, url } = await startScorer(brokers, topics, `${runId}-scorer`, dir, {
            deadlineMs: DRAIN_DEADLINE_MS,
            onSpawn,
          });
          return { service, url };
        },
      });
    } else if (target === 'pass-through') {
      specs.push(passThrough('platformatic', 'pass-through'));
    } else {
      specs.push(passThrough('kafkajs', 'pass-through-kafkajs'));
    }
  }
  // Last, right after the kafkajs pass-through on this Node when that runs: the pair compared.
  if (otherNode) specs.push(passThrough('kafkajs', `pass-through-kafkajs-node${otherNode.major}`, otherNode));
  return specs;
}

interface OtherNode {
  readonly path: string;
  /** e.g. v20.20.2 */
  readonly version: string;
  readonly major: string;
}

/** The version of another Node binary; fails at once, before the backlog, if it does not run. */
function nodeVersion(path: string): OtherNode {
  const out = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = out.stdout?.trim() ?? '';
  const major = /^v(\d+)\.\d+\.\d+/.exec(version)?.[1];
  if (out.status !== 0 || major === undefined) {
    throw new FlagError(`--compare-node ${path} does not run as node (${out.error?.message ?? version})`);
  }
  return { path, version, major };
}
