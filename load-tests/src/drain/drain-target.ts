import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, errorMessage } from '../errors.ts';
import { CpuSampler } from '../measure/cpu-sampler.ts';
import { cpuOver } from '../measure/process-cpu.ts';
import { metricSum } from '../measure/prometheus-text.ts';
import type { ChildService } from '../processes/child-service.ts';
import type { DrainMeasurement, DrainTargetName } from './drain-figures.ts';
import type { OutputOffsets } from './output-offsets.ts';

/** /proc is read this often: each end of a CPU window holds at most this much more than the drain. */
export const CPU_SAMPLE_MS = 50;
const POLL_MS = 200;

export interface DrainTargetSpec {
  readonly label: string;
  readonly target: DrainTargetName;
  readonly client: 'platformatic' | 'kafkajs';
  /** Its Node version, e.g. v24.22.3. */
  readonly node: string;
  readonly onCompareNode: boolean;
  readonly outputTopic: string;
  /**
   * How many of the backlog's records it has decided so far; default: the records on its output topic (high
   * watermarks). A transactional target needs this: its output topic also holds a commit marker per
   * transaction, so its offsets run ahead of its outputs (the scorer's committed input offsets say it exactly).
   */
  readonly decided?: () => Promise<number>;
  /** Spawns the target on the backlog and resolves once it is ready; `onSpawn` comes first, at once. */
  readonly start: (onSpawn: (service: ChildService) => void) => Promise<{ service: ChildService; url?: string }>;
}

export interface DrainTargetDeps {
  readonly records: number;
  readonly timeoutMs: number;
  readonly offsets: OutputOffsets;
  readonly ticksPerSecond: number;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
  /** Every child process started, so a second Ctrl-C can kill them at once. */
  readonly children: Set<ChildService>;
}

/**
 * One target drains the backlog: spawned (its CPU time sampled from then on), ready, then watched until its
 * output topic holds a record for each one of the backlog; then stopped. The figures are cut afterwards around
 * its first and last output, so neither its start-up nor the watching's own delay counts.
 */
export async function drainTarget(spec: DrainTargetSpec, deps: DrainTargetDeps): Promise<DrainMeasurement> {
  const { log } = deps;
  let sampler: CpuSampler | undefined;
  let child: ChildService | undefined;
  const spawnedAt = Date.now();
  try {
    const started = await spec.start((service) => {
      child = service;
      deps.children.add(service);
      if (service.pid !== undefined) {
        sampler = new CpuSampler(service.pid, { intervalMs: CPU_SAMPLE_MS, ticksPerSecond: deps.ticksPerSecond });
        sampler.start();
      }
    });
    const startUpMs = Date.now() - spawnedAt;
    const loadStart = loadavg()[0]!;
    log(`  ${spec.label}: ready after ${(startUpMs / 1000).toFixed(1)} s; draining ${deps.records} records`);

    const deadline = Date.now() + deps.timeoutMs;
    let outputs = 0;
    let nextLog = Date.now() + 10_000;
    while ((outputs = await (spec.decided?.() ?? deps.offsets.count(spec.outputTopic))) < deps.records) {
      if (deps.signal.aborted) throw new BenchError('ABORTED', 'the drain was interrupted');
      if (!started.service.running) {
        throw new BenchError('CHILD_FAILED', `${spec.label} exited during the drain:\n${started.service.tail()}`);
      }
      if (Date.now() >= deadline) {
        throw new BenchError(
          'DRAIN_TIMEOUT',
          `${spec.label}: ${outputs} of ${deps.records} outputs after ${deps.timeoutMs / 1000} s`,
        );
      }
      if (Date.now() >= nextLog) {
        log(`  ${spec.label}: ${outputs} of ${deps.records}`);
        nextLog += 10_000;
      }
      await sleep(POLL_MS);
    }
    sampler?.sample();
    const samples = sampler?.stop() ?? [];
    const loadEnd = loadavg()[0]!;
    const degraded = started.url === undefined ? undefined : await degradedDecisions(started.url, deps.records);

    const range = await deps.offsets.timeRange(spec.outputTopic);
    if (range === undefined) throw new BenchError('DRAIN_TIMEOUT', `${spec.label}: its output has no timestamps`);
    const cpu = cpuOver(samples, range.firstMs, range.lastMs);
    if (cpu === undefined) {
      throw new BenchError('CHILD_FAILED', `${spec.label}: its CPU time was not sampled around the drain (/proc)`);
    }
    return {
      label: spec.label,
      target: spec.target,
      client: spec.client,
      node: spec.node,
      onCompareNode: spec.onCompareNode,
      records: deps.records,
      outputs,
      firstOutputMs: range.firstMs,
      lastOutputMs: range.lastMs,
      cpuUs: cpu.cpuUs,
      cpuWindowMs: cpu.toMs - cpu.fromMs,
      startUpMs,
      loadAverage1m: { start: loadStart, end: loadEnd },
      ...(degraded === undefined ? {} : { degraded }),
    };
  } finally {
    sampler?.stop();
    await child?.stop();
  }
}

/**
 * The scorer's degraded decisions from its /metrics, once its decision counter has caught up with the backlog
 * (counted at acknowledgement, a moment after the records are on the broker); bounded at 5 s.
 */
async function degradedDecisions(url: string, records: number): Promise<number | undefined> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
      const decided = metricSum(text, 'scorer_decisions_total') ?? 0;
      if (decided >= records || Date.now() >= deadline) return metricSum(text, 'scorer_decisions_degraded_total');
    } catch (error) {
      if (Date.now() >= deadline) throw new BenchError('SCORER_API_FAILED', `${url}/metrics: ${errorMessage(error)}`);
    }
    await sleep(250);
  }
}
