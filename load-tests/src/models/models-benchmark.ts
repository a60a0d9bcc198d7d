import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Decision } from '../../../schemas/src/types.ts';
import { CHALLENGER_OUTCOMES } from '../../../services/scorer/src/core/scoring/micro-batcher.ts';
import type { ChallengerOutcome } from '../../../services/scorer/src/core/scoring/micro-batcher.ts';
import { initHistogramRuntime } from '../../../services/scorer/src/metrics/hdr.ts';
import { readOnnxMetadata, withOnnxMetadata } from '../../../services/scorer/src/model/onnx-metadata.ts';
import type { BenchConfig } from '../config.ts';
import { CPU_SAMPLE_MS } from '../drain/drain-target.ts';
import { BenchError, errorMessage } from '../errors.ts';
import { createBenchSimulation, TransactionPool } from '../generator/transaction-pool.ts';
import { createLoadProducer } from '../kafka/load-producer.ts';
import { clockTicksPerSecond, CpuSampler } from '../measure/cpu-sampler.ts';
import type { TrackerCounts } from '../measure/decision-tracker.ts';
import type { HistogramStats } from '../measure/histograms.ts';
import { MatchRegistry } from '../measure/match-registry.ts';
import { startOutputConsumer } from '../measure/output-consumer.ts';
import { cpuOver } from '../measure/process-cpu.ts';
import { metricSum } from '../measure/prometheus-text.ts';
import type { ChildService } from '../processes/child-service.ts';
import { SCORER_METRICS_INTERVAL_MS, startScorer } from '../processes/services.ts';
import { currentLoadAverage, describeMachine } from '../report/machine.ts';
import { createResultsDir, writeResult } from '../report/results-folder.ts';
import type { BenchDeps } from '../run/benchmark.ts';
import { deleteBenchResources, useBrokers } from '../run/bench-setup.ts';
import { CleanupStack } from '../run/cleanup-stack.ts';
import { runPhase } from '../run/phase-runner.ts';
import type { PhaseTarget } from '../run/phase-runner.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const SHIPPED_MODEL = join(root, 'model', 'fraud-model.onnx');
/** A model change may take this long (load, checks, warm-up, the wait for a point between two model calls). */
const ADMIN_TIMEOUT_MS = 30_000;

/** No model change; the champion swapped every `--swap-every`; a challenger shadowing the champion. */
export type ModelsPhase = 'baseline' | 'swaps' | 'challenger';
/**
 * The phases in order: each change between two phases without one, so a change is set against the no-change
 * phases on both sides of it, and the no-change phases against each other show how far the scorer (and the
 * shared machine) drifted on their own.
 */
export const MODELS_PLAN: readonly ModelsPhase[] = ['baseline', 'swaps', 'baseline', 'challenger', 'baseline'];

/** What the decisions of one phase's transactions said, read off the decisions topic (every output counted). */
export interface DecisionTally {
  outputs: number;
  degraded: number;
  /** Decisions that carry a challenger score. */
  withChallenger: number;
  /** Decisions by the champion that made them (`modelVersion`). */
  byModel: Record<string, number>;
}

/** One swap request of the swap phase: when it was answered, how long it took, what it did. */
export interface SwapRecord {
  readonly atMs: number;
  readonly ms: number;
  readonly ok: boolean;
  /** The champion it swapped in (null when refused). */
  readonly version: string | null;
  /** Why it was refused (the scorer's code, or REQUEST_FAILED). */
  readonly code?: string;
}

export interface ModelsPhaseFigures {
  readonly phase: ModelsPhase;
  /** Its place in the run, from 1. */
  readonly order: number;
  /** Intended send → decision read by a read_committed consumer, µs, over the measured records. */
  readonly latency: Pick<HistogramStats, 'count' | 'p50' | 'p99' | 'p99_9' | 'max'>;
  /** Over the whole phase (warm-up and measured). */
  readonly counts: Pick<TrackerCounts, 'sent' | 'decided' | 'missing' | 'duplicates' | 'measured'>;
  readonly decisions: DecisionTally;
  /**
   * The scorer's CPU time (utime + stime, all threads) from the first to the last measured decision read, per
   * measured decision; undefined when /proc was not sampled around it.
   */
  readonly cpu: { readonly usPerDecision: number; readonly windowMs: number } | undefined;
  /** The swap phase's swaps, in the measured window. */
  readonly swaps?: readonly SwapRecord[];
  /** Swap slots that passed while the previous swap was still running (none when swaps are quick). */
  readonly swapSlotsMissed?: number;
  /** The scorer's own challenger counters over the phase (warm-up and measured). */
  readonly challenger?: {
    /** Rows of champion calls by what the challenger did with them (`scorer_challenger_rows_total`). */
    readonly rows: Readonly<Record<ChallengerOutcome, number>>;
    /** Wall time in its own calls (`scorer_challenger_seconds_total`). */
    readonly seconds: number;
  };
  /** The scorer's own e2e histogram (input record's timestamp → decision acknowledged) over the measured window. */
  readonly scorerE2e?: Pick<HistogramStats, 'count' | 'p50' | 'p99' | 'max'>;
}

export interface ModelsReport {
  readonly tool: 'fraud-stream load-tests';
  readonly mode: 'models';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly runId: string;
  readonly machine: ReturnType<typeof describeMachine>;
  readonly partitions: number;
  readonly rate: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly swapEveryMs: number;
  /** The shipped model's version, its variant's (the swaps) and the challenger's: the same trees, renamed. */
  readonly models: { readonly shipped: string; readonly variant: string; readonly challenger: string };
  readonly results: readonly ModelsPhaseFigures[];
}

export interface ModelsOutcome {
  readonly report: ModelsReport;
  readonly dir: string;
  readonly markdown: string;
}

/**
 * What changing the model while the scorer runs costs, on the real broker, in one invocation: one scorer
 * (exactly-once), primed by one phase of the traffic, takes the same open-loop fixed-rate traffic five times in a
 * row (`MODELS_PLAN`): no model change, its champion swapped every `--swap-every` through POST /admin/model
 * between the shipped model and a renamed copy, no change, a challenger set (a renamed copy too), no change.
 * Each phase: latency percentiles, every transaction decided once and undegraded (read off the decisions), the
 * scorer's CPU per decision; each change is set against the no-change phases on either side of it.
 */
export async function runModelsBenchmark(config: BenchConfig, deps: BenchDeps): Promise<ModelsOutcome> {
  const { log, signal } = deps;
  const startedAt = new Date();
  const loadAtStart = currentLoadAverage();
  const cleanup = new CleanupStack(log);
  try {
    const dir = createResultsDir(config.outDir, startedAt);
    log(`results folder: ${dir}`);
    await initHistogramRuntime();

    const modelDir = mkdtempSync(join(tmpdir(), 'bench-models-'));
    cleanup.defer('model files', () => rmSync(modelDir, { recursive: true, force: true }));
    const shippedBytes = readFileSync(SHIPPED_MODEL);
    const shipped = readOnnxMetadata(shippedBytes).get('model_version') ?? 'unknown';
    const models = { shipped, variant: `${shipped}-variant`, challenger: `${shipped}-challenger` };
    const variantPath = join(modelDir, 'variant.onnx');
    const challengerPath = join(modelDir, 'challenger.onnx');
    writeFileSync(variantPath, withOnnxMetadata(shippedBytes, { model_version: models.variant }));
    writeFileSync(challengerPath, withOnnxMetadata(shippedBytes, { model_version: models.challenger }));

    const brokers = await useBrokers(config.brokers, deps.env, cleanup, log);
    const runId = `lt-${Date.now().toString(36)}`;
    const t = {
      transactions: `${runId}-transactions`,
      decisions: `${runId}-decisions`,
      deadLetters: `${runId}-transactions.dlq`,
      labels: `${runId}-transaction-labels`,
      terminalCounts: `${runId}-terminal-day-counts`,
      cardState: `${runId}-card-state`,
    };
    const { partitions } = config;
    await ensureTopics(brokers, [
      { name: t.transactions, partitions },
      { name: t.decisions, partitions },
      { name: t.deadLetters, partitions: 1 },
      { name: t.labels, partitions: 1 },
      { name: t.terminalCounts, partitions, compacted: true },
      { name: t.cardState, partitions, compacted: true },
    ]);
    if (!config.keepTopics) cleanup.defer('topics', () => deleteBenchResources(brokers, runId));
    log(`topics: ${runId}-* (${partitions} partitions)`);

    // Every phase's records first, so generating them is off every phase's clock.
    const pool = new TransactionPool(createBenchSimulation(config.seed, runId), createSchemaCodecs().transaction);
    const perPhase = Math.round((config.fixed.rate * (config.fixed.warmupMs + config.fixed.measureMs)) / 1000);
    const primingRecords = pool.take(perPhase);
    const records = MODELS_PLAN.map(() => pool.take(perPhase));
    const tallies = new Map<string, DecisionTally>();
    const tallyOf = records.map((list) => {
      const tally: DecisionTally = { outputs: 0, degraded: 0, withChallenger: 0, byModel: {} };
      for (const r of list) tallies.set(r.transactionId, tally);
      return tally;
    });

    const producer = createLoadProducer(brokers, 'lt-models');
    cleanup.defer('producer', () => producer.close());
    const ticksPerSecond = clockTicksPerSecond();
    let sampler: CpuSampler | undefined;
    const token = randomBytes(24).toString('hex');
    log(`scorer: exactly-once, admin endpoints on (token in its environment); ${perPhase} records per phase`);
    const started = await startScorer(brokers, t, `${runId}-scorer`, dir, {
      name: 'scorer-models',
      cardStateTopic: t.cardState,
      adminToken: token,
      onSpawn: (service: ChildService) => {
        deps.children.add(service);
        if (service.pid === undefined) return;
        sampler = new CpuSampler(service.pid, { intervalMs: CPU_SAMPLE_MS, ticksPerSecond });
        sampler.start();
      },
    });
    cleanup.defer('scorer', async () => {
      sampler?.stop();
      await started.service.stop();
    });
    const admin = adminClient(started.url, token);
    const serving = await admin.models();
    if (serving.champion !== models.shipped) {
      throw new BenchError('SCORER_API_FAILED', `the scorer serves ${serving.champion}, not ${models.shipped}`);
    }

    const codecs = createSchemaCodecs();
    const registry = new MatchRegistry();
    let decodeErrors = 0;
    const consumer = await startOutputConsumer({
      brokers,
      topic: t.decisions,
      groupId: `${runId}-measure`,
      // Runs after the fetch's arrival time is taken: decoding never counts against the scorer.
      transactionIdOf: (value) => {
        const decision = codecs.decision.decode(value);
        const tally = tallies.get(decision.transactionId);
        if (tally !== undefined) count(tally, decision);
        return decision.transactionId;
      },
      onOutput: (id, at) => registry.consumed(id, at),
      onError: (error) => {
        if (decodeErrors++ === 0)
          log(`a decision does not decode (${errorMessage(error)}); counting the rest silently`);
      },
      onClientError: (error) => log(`the decisions consumer failed: ${errorMessage(error)}`),
      clock: deps.clock,
    });
    cleanup.defer('decisions consumer', () => consumer.close());
    const target: PhaseTarget = {
      name: 'scorer',
      inputTopic: t.transactions,
      registry,
      scorerUrl: started.url,
      scorerIntervalMs: SCORER_METRICS_INTERVAL_MS,
    };

    const phaseDeps = {
      producer,
      clock: deps.clock,
      maxInFlight: config.maxInFlight,
      maxBatch: config.maxBatch,
      drainMs: config.drainMs,
      progressEveryMs: 5_000,
      log,
      signal,
    };
    // A fresh scorer on a fresh broker is slow for its first seconds (JIT, the first transactions, the groups):
    // a phase of the same traffic first, measured by nothing, so the first baseline does not pay for it.
    log(
      `priming: ${config.fixed.rate}/s for ${(config.fixed.warmupMs + config.fixed.measureMs) / 1000} s, not reported`,
    );
    const priming = await runPhase(
      target,
      { label: 'priming', ...config.fixed, arrivals: config.arrivals, seed: config.seed },
      primingRecords,
      phaseDeps,
    );
    priming.latency.destroy();
    log(`  priming: p99 ${ms(priming.result.latency.p99)} ms, ${priming.result.counts.missing} missing`);

    const results: ModelsPhaseFigures[] = [];
    let challengerSet = false;
    for (const [i, phase] of MODELS_PLAN.entries()) {
      const order = i + 1;
      if (challengerSet && phase !== 'challenger') {
        const removed = await admin.removeChallenger();
        if (!removed.ok)
          throw new BenchError('SCORER_API_FAILED', `removing the challenger was refused: ${removed.code}`);
        challengerSet = false;
        log('challenger removed');
      }
      if (!challengerSet && phase === 'challenger') {
        const set = await admin.change(challengerPath, 'challenger');
        if (!set.ok)
          throw new BenchError('SCORER_API_FAILED', `the challenger was refused: ${set.code}: ${set.reason}`);
        challengerSet = true;
        log(`challenger ${set.version} set`);
      }
      const before = await admin.counters();
      log(
        `phase ${order} (${phase}): ${config.fixed.rate}/s, ` +
          `${config.fixed.warmupMs / 1000} s + ${config.fixed.measureMs / 1000} s`,
      );
      // runPhase starts its schedule 500 ms after it is called; its measured window starts after the warm-up.
      const measureFromMs = Date.now() + 500 + config.fixed.warmupMs;
      const stopSwaps = new AbortController();
      const swapping =
        phase === 'swaps'
          ? swapLoop(admin, [models.shipped, SHIPPED_MODEL], [models.variant, variantPath], {
              fromMs: measureFromMs,
              untilMs: measureFromMs + config.fixed.measureMs,
              everyMs: config.models.swapEveryMs,
              signal: AbortSignal.any([signal, stopSwaps.signal]),
            })
          : undefined;
      let outcome;
      try {
        outcome = await runPhase(
          target,
          { label: `${order}-${phase}`, ...config.fixed, arrivals: config.arrivals, seed: config.seed },
          records[i]!,
          phaseDeps,
        );
      } finally {
        stopSwaps.abort();
      }
      const swapped = await swapping;
      const after = await admin.counters();
      writeResult(dir, `scorer-${order}-${phase}.hgrm`, outcome.latency.hgrm());
      outcome.latency.destroy();
      const { latency: l, counts: c, scorer } = outcome.result;
      sampler?.sample();
      const cpu = cpuOver(sampler?.samples ?? [], c.firstMeasuredUs / 1000, c.lastMeasuredUs / 1000);
      const figures: ModelsPhaseFigures = {
        phase,
        order,
        latency: { count: l.count, p50: l.p50, p99: l.p99, p99_9: l.p99_9, max: l.max },
        counts: {
          sent: c.sent,
          decided: c.decided,
          missing: c.missing,
          duplicates: c.duplicates,
          measured: c.measured,
        },
        decisions: { ...tallyOf[i]!, byModel: { ...tallyOf[i]!.byModel } },
        cpu:
          cpu === undefined || c.measured === 0
            ? undefined
            : { usPerDecision: cpu.cpuUs / c.measured, windowMs: cpu.toMs - cpu.fromMs },
        ...(swapped === undefined ? {} : { swaps: swapped.swaps, swapSlotsMissed: swapped.missed }),
        ...(phase === 'challenger'
          ? {
              challenger: {
                rows: Object.fromEntries(
                  CHALLENGER_OUTCOMES.map((o) => [o, after.challengerRows[o] - before.challengerRows[o]]),
                ) as Record<ChallengerOutcome, number>,
                seconds: after.challengerSeconds - before.challengerSeconds,
              },
            }
          : {}),
        ...(scorer === undefined
          ? {}
          : { scorerE2e: { count: scorer.e2e.count, p50: scorer.e2e.p50, p99: scorer.e2e.p99, max: scorer.e2e.max } }),
      };
      results.push(figures);
      log(
        `  sent ${c.sent}, decided ${c.decided}, missing ${c.missing}, dup ${c.duplicates}, ` +
          `degraded ${figures.decisions.degraded}; p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms; ` +
          `${figures.cpu?.usPerDecision.toFixed(1) ?? '—'} CPU µs/decision` +
          (swapped === undefined ? '' : `; ${swapped.swaps.filter((s) => s.ok).length} swaps`),
      );
      // The swaps end where they began, so the next phase starts on the shipped model (off every clock).
      if (phase === 'swaps' && swapped?.serving !== models.shipped) {
        const back = await admin.change(SHIPPED_MODEL, 'champion');
        if (!back.ok) throw new BenchError('SCORER_API_FAILED', `swapping back was refused: ${back.code}`);
      }
    }

    const report: ModelsReport = {
      tool: 'fraud-stream load-tests',
      mode: 'models',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: deps.command,
      runId,
      machine: describeMachine(loadAtStart),
      partitions,
      rate: config.fixed.rate,
      warmupMs: config.fixed.warmupMs,
      measureMs: config.fixed.measureMs,
      swapEveryMs: config.models.swapEveryMs,
      models,
      results,
    };
    const markdown = modelsMarkdown(report);
    writeResult(dir, 'results.md', markdown);
    writeResult(dir, 'summary.json', `${JSON.stringify(report, null, 2)}\n`);
    return { dir, markdown, report };
  } finally {
    await cleanup.closeAll();
  }
}

function count(tally: DecisionTally, decision: Decision): void {
  tally.outputs++;
  if (decision.degraded) tally.degraded++;
  if (decision.challenger !== null) tally.withChallenger++;
  tally.byModel[decision.modelVersion] = (tally.byModel[decision.modelVersion] ?? 0) + 1;
}

type ChangeAnswer =
  | { readonly ok: true; readonly version: string | null }
  | { readonly ok: false; readonly version: null; readonly code: string; readonly reason: string };

interface AdminClient {
  models(): Promise<{ champion: string | null; challenger: string | null }>;
  change(path: string, role: 'champion' | 'challenger'): Promise<ChangeAnswer>;
  removeChallenger(): Promise<ChangeAnswer>;
  counters(): Promise<{ challengerRows: Record<ChallengerOutcome, number>; challengerSeconds: number }>;
}

/** The scorer's /admin endpoints (bearer token) and the counters of its /metrics this benchmark reads. */
function adminClient(url: string, token: string): AdminClient {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, {
      ...init,
      headers,
      signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    async models() {
      const { status, body } = await call('/admin/models');
      if (status !== 200) throw new BenchError('SCORER_API_FAILED', `GET /admin/models answered ${status}`);
      const version = (m: unknown): string | null => (m as { version?: string } | null)?.version ?? null;
      return { champion: version(body['champion']), challenger: version(body['challenger']) };
    },
    async change(path, role) {
      return changeAnswer(await call('/admin/model', { method: 'POST', body: JSON.stringify({ path, role }) }));
    },
    async removeChallenger() {
      return changeAnswer(await call('/admin/challenger', { method: 'DELETE' }));
    },
    async counters() {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      const rows = (outcome: ChallengerOutcome) =>
        labelledSum(text, 'scorer_challenger_rows_total', 'outcome', outcome);
      return {
        challengerRows: Object.fromEntries(CHALLENGER_OUTCOMES.map((o) => [o, rows(o)])) as Record<
          ChallengerOutcome,
          number
        >,
        challengerSeconds: metricSum(text, 'scorer_challenger_seconds_total') ?? 0,
      };
    },
  };
}

function changeAnswer({ status, body }: { status: number; body: Record<string, unknown> }): ChangeAnswer {
  if (status === 200 && body['ok'] === true) {
    return { ok: true, version: typeof body['version'] === 'string' ? body['version'] : null };
  }
  return {
    ok: false,
    version: null,
    code: typeof body['code'] === 'string' ? body['code'] : `HTTP_${status}`,
    reason: typeof body['reason'] === 'string' ? body['reason'] : JSON.stringify(body),
  };
}

/** The samples of `name` whose label `label` is `value`, summed. */
function labelledSum(text: string, name: string, label: string, value: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.lastIndexOf('}');
    if (!line.slice(name.length + 1, close).includes(`${label}="${value}"`)) continue;
    const n = Number(
      line
        .slice(close + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (Number.isFinite(n)) sum += n;
  }
  return sum;
}

/**
 * Swaps the champion at `fromMs + everyMs / 2`, then every `everyMs`, while before `untilMs`: to the variant
 * when the shipped model serves, back otherwise. A slot that passes while the previous swap still runs is
 * skipped (counted as missed). Bounded by the slots in the window; ends early on `signal`.
 */
async function swapLoop(
  admin: Pick<AdminClient, 'change'>,
  shipped: readonly [version: string, path: string],
  variant: readonly [version: string, path: string],
  window: { readonly fromMs: number; readonly untilMs: number; readonly everyMs: number; readonly signal: AbortSignal },
): Promise<{ swaps: SwapRecord[]; missed: number; serving: string }> {
  const swaps: SwapRecord[] = [];
  let missed = 0;
  let serving = shipped[0];
  const slots = Math.ceil((window.untilMs - window.fromMs) / window.everyMs);
  for (let k = 0; k < slots; k++) {
    const at = window.fromMs + window.everyMs / 2 + k * window.everyMs;
    if (at >= window.untilMs || window.signal.aborted) break;
    const wait = at - Date.now();
    if (wait < 0) {
      missed++;
      continue;
    }
    await sleep(wait, undefined, { signal: window.signal }).catch(() => {});
    if (window.signal.aborted) break;
    const [version, path] = serving === shipped[0] ? variant : shipped;
    const t0 = performance.now();
    const answer = await admin.change(path, 'champion').catch((error: unknown): ChangeAnswer => ({
      ok: false,
      version: null,
      code: 'REQUEST_FAILED',
      reason: errorMessage(error),
    }));
    const took = performance.now() - t0;
    if (answer.ok) serving = version;
    swaps.push({
      atMs: Date.now(),
      ms: took,
      ok: answer.ok,
      version: answer.version,
      ...(answer.ok ? {} : { code: answer.code }),
    });
  }
  return { swaps, missed, serving };
}

const ms = (us: number) => (us / 1000).toFixed(2);

const PHASE_NAMES: Record<ModelsPhase, string> = {
  baseline: 'no model change',
  swaps: 'champion swapped',
  challenger: 'challenger set',
};
const nameOf = (x: ModelsPhaseFigures) => `${x.order}. ${PHASE_NAMES[x.phase]}`;

/** What broke the promise of the phases (every transaction decided once, none degraded, ...): empty when none. */
export function modelsProblems(results: readonly ModelsPhaseFigures[]): string[] {
  const problems: string[] = [];
  for (const r of results) {
    const name = nameOf(r);
    if (r.counts.missing > 0) problems.push(`${name}: ${r.counts.missing} transactions without a decision`);
    if (r.counts.duplicates > 0) problems.push(`${name}: ${r.counts.duplicates} transactions decided twice or more`);
    if (r.counts.decided < r.counts.sent) problems.push(`${name}: ${r.counts.decided} of ${r.counts.sent} decided`);
    if (r.decisions.degraded > 0) problems.push(`${name}: ${r.decisions.degraded} decisions degraded`);
    if (r.phase === 'swaps') {
      const refused = (r.swaps ?? []).filter((s) => !s.ok).length;
      if ((r.swaps ?? []).length === 0) problems.push(`${name}: no swap was made`);
      if (refused > 0) problems.push(`${name}: ${refused} swaps refused`);
    }
    if (r.phase === 'challenger' && r.decisions.withChallenger < r.decisions.outputs) {
      problems.push(
        `${name}: ${r.decisions.outputs - r.decisions.withChallenger} decisions without a challenger score`,
      );
    }
  }
  return problems;
}

type Compared = Pick<ModelsPhaseFigures['latency'], 'p50' | 'p99' | 'p99_9' | 'max'> & { cpu: number | undefined };

/** The mean of each figure over `phases` (the no-change phases around a change); a CPU figure only if all have one. */
function meanOf(phases: readonly ModelsPhaseFigures[]): Compared {
  const mean = (f: (x: ModelsPhaseFigures) => number) => phases.reduce((sum, x) => sum + f(x), 0) / phases.length;
  return {
    p50: mean((x) => x.latency.p50),
    p99: mean((x) => x.latency.p99),
    p99_9: mean((x) => x.latency.p99_9),
    max: mean((x) => x.latency.max),
    cpu: phases.every((x) => x.cpu !== undefined) ? mean((x) => x.cpu!.usPerDecision) : undefined,
  };
}

/**
 * The results tables: each phase's latency, counts and CPU per decision; then each change set against the mean
 * of the no-change phases on either side of it, and each no-change phase against the first (the noise floor).
 */
export function modelsMarkdown(r: ModelsReport): string {
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;
  const n = (x: number) => x.toLocaleString('en-US');
  const changes = (x: ModelsPhaseFigures): string => {
    if (x.phase === 'baseline') return '—';
    if (x.phase === 'challenger') return 'challenger set before the warm-up, removed after';
    const swaps = x.swaps ?? [];
    const ok = swaps.filter((s) => s.ok);
    const took = ok.map((s) => s.ms).sort((a, b) => a - b);
    const median = took.length === 0 ? undefined : took[Math.floor((took.length - 1) / 2)]!;
    return (
      `${ok.length} swaps, ${swaps.length - ok.length} refused` +
      (x.swapSlotsMissed ? `, ${x.swapSlotsMissed} slots missed` : '') +
      (median === undefined ? '' : `; request ${median.toFixed(0)} ms median, ${took.at(-1)!.toFixed(0)} ms max`)
    );
  };
  const rows = r.results.map(
    (x) =>
      `| ${nameOf(x)} | ${ms(x.latency.p50)} ms | ${ms(x.latency.p99)} ms | ${ms(x.latency.p99_9)} ms | ` +
      `${ms(x.latency.max)} ms | ${n(x.counts.sent)} | ${x.counts.missing} / ${x.counts.duplicates} | ` +
      `${x.decisions.degraded} | ` +
      `${x.phase === 'challenger' ? `${n(x.decisions.withChallenger)} of ${n(x.decisions.outputs)}` : n(x.decisions.withChallenger)} | ` +
      `${x.cpu === undefined ? '—' : `${x.cpu.usPerDecision.toFixed(1)} µs`} | ${changes(x)} |`,
  );
  const compare = (label: string, a: Compared, b: Compared) =>
    `| ${label} | ${ratio(a.p50, b.p50)} | ${ratio(a.p99, b.p99)} | ${ratio(a.p99_9, b.p99_9)} | ` +
    `${ratio(a.max, b.max)} | ${ratio(a.cpu, b.cpu)} |`;
  const own = (x: ModelsPhaseFigures): Compared => ({ ...x.latency, cpu: x.cpu?.usPerDecision });
  const ratios: string[] = [];
  for (const [i, x] of r.results.entries()) {
    if (x.phase === 'baseline') continue;
    const before = r.results.slice(0, i).findLast((b) => b.phase === 'baseline');
    const after = r.results.slice(i + 1).find((b) => b.phase === 'baseline');
    const around = [before, after].filter((b) => b !== undefined);
    if (around.length === 0) continue;
    const against = around.map((b) => b.order).join(' and ');
    ratios.push(compare(`${nameOf(x)} ÷ ${against}${around.length > 1 ? ' (mean)' : ''}`, own(x), meanOf(around)));
  }
  const baselines = r.results.filter((x) => x.phase === 'baseline');
  for (const b of baselines.slice(1))
    ratios.push(compare(`${nameOf(b)} ÷ ${baselines[0]!.order}`, own(b), own(baselines[0]!)));

  const notes: string[] = [];
  for (const x of r.results.filter((p) => p.phase === 'swaps')) {
    const by = Object.entries(x.decisions.byModel)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([version, k]) => `\`${version}\` ${n(k)}`);
    notes.push(`- Decisions of phase ${x.order} by the champion that made them: ${by.join(', ') || 'none'}.`);
  }
  for (const x of r.results.filter((p) => p.phase === 'challenger' && p.challenger !== undefined)) {
    const { rows, seconds } = x.challenger!;
    const scored = rows.scored + rows.slow;
    const perRow = scored === 0 ? '—' : `${((seconds * 1e6) / scored).toFixed(2)} µs`;
    notes.push(
      `- Phase ${x.order}, the challenger (the scorer's \`scorer_challenger_rows_total\` by outcome): rows ` +
        `${n(rows.scored)} scored, ${n(rows.slow)} slow (scored, in a call over its budget, which pauses it for ` +
        `the next 1000 calls), ${n(rows.paused)} paused, ${n(rows.failed)} failed; its calls' wall time ` +
        `(\`scorer_challenger_seconds_total\`) ${perRow} per row it scored.`,
    );
  }
  const problems = modelsProblems(r.results);
  notes.push(
    problems.length === 0
      ? '- **Every transaction of every phase decided exactly once, none degraded**, every decision of a ' +
          'challenger phase with a challenger score.'
      : `- **Not as promised:** ${problems.join('; ')}.`,
  );
  return [
    `## Models: swaps and a challenger against no model change (${r.startedAt})`,
    '',
    `\`${r.command}\`; one scorer (exactly-once), ${r.partitions} partitions, ${r.rate}/s open loop, each phase ` +
      `${r.warmupMs / 1000} s warm-up + ${r.measureMs / 1000} s measured, after a priming phase of the same ` +
      'traffic (intended send → decision read by a read_committed consumer); the swaps every ' +
      `${r.swapEveryMs / 1000} s between \`${r.models.shipped}\` and \`${r.models.variant}\`, the challenger ` +
      `\`${r.models.challenger}\` (the same trees, renamed). CPU: the scorer's, first to last measured decision, ` +
      'per measured decision.',
    '',
    '| phase | p50 | p99 | p99.9 | max | sent | missing / dup | degraded | with a challenger score | CPU per decision | model changes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    '| a ÷ b | p50 | p99 | p99.9 | max | CPU per decision |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...ratios,
    '',
    ...notes,
    '',
  ].join('\n');
}
