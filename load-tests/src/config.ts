import { resolve } from 'node:path';
import { FlagError, parseFlags } from '../../services/cli/src/flags.ts';
import type { CommandSpec, FlagTable, Flags } from '../../services/cli/src/flags.ts';
import { DRAIN_TARGETS } from './drain/drain-figures.ts';
import type { DrainTargetName } from './drain/drain-figures.ts';

export type Arrivals = 'constant' | 'poisson';
export type TargetName = 'scorer' | 'pass-through';

export type BenchMode = 'all' | 'open-loop' | 'drain' | 'delivery' | 'models';

export interface BenchConfig {
  /** open-loop: fixed rate and sweep; drain: a backlog drained by each target in turn; all: the drain, then open-loop. */
  readonly mode: BenchMode;
  /** Undefined: use the embedded broker, started here if it is not running. */
  readonly brokers: readonly string[] | undefined;
  readonly fixed: { readonly rate: number; readonly warmupMs: number; readonly measureMs: number };
  readonly sweep: {
    /** Target rates in increasing order; empty = no sweep. */
    readonly rates: readonly number[];
    readonly warmupMs: number;
    readonly measureMs: number;
  };
  /** Pipelines to run (fixed rate and sweep); the other one is not started. */
  readonly targets: readonly TargetName[];
  readonly budgetMs: number;
  readonly arrivals: Arrivals;
  readonly seed: number;
  /** Messages of Kafka's EndToEndLatency run; 0 skips it. */
  readonly e2eMessages: number;
  readonly partitions: number;
  readonly maxInFlight: number;
  readonly maxBatch: number;
  /** How long to wait, after the last send of a phase, for decisions still outstanding. */
  readonly drainMs: number;
  readonly outDir: string;
  readonly keepTopics: boolean;
  readonly drainBench: {
    /** Transactions in the backlog. */
    readonly records: number;
    /** How long one target may take to drain it, from ready. */
    readonly timeoutMs: number;
    readonly targets: readonly DrainTargetName[];
    /** Another Node binary to drain with the kafkajs pass-through too (the others need Node 22+). */
    readonly compareNode: string | undefined;
  };
  readonly models: {
    /** How often the champion is swapped during the swap phase. */
    readonly swapEveryMs: number;
  };
}

const root = resolve(import.meta.dirname, '..', '..');

const MODES = ['all', 'open-loop', 'drain', 'delivery', 'models'] as const;
const TARGETS = ['scorer', 'pass-through'] as const;
const DEFAULT_SWEEP = '250,500,1000,2000,4000,8000';
const OUT_DIR = 'load-tests/results';
/** The longest warm-up, measured time, step, drain wait or drain timeout: 60 minutes. */
const MAX_MS = 3_600_000;
/** Every record is generated before its phase and held in memory: a phase stays within a few hundred MB. */
const MAX_PHASE_RECORDS = 2_000_000;

/** The benchmark's flags: the parser's options and the `--help` text. */
export const BENCH_COMMAND = {
  usage:
    'tsx load-tests/src/bench.ts [--mode all|open-loop|drain|delivery|models] [flags]   (npm run bench -- [flags])',
  notes: [
    "--mode open-loop: Kafka's EndToEndLatency, a fixed-rate run and a sweep of the targets.",
    '--mode drain: a backlog produced first, then drained by each drain target in turn (own group, own output',
    '  topic), for records/s (first → last output) and CPU µs per record.',
    '--mode all (default): the drain, then open-loop, one after the other (never at once), both tables printed.',
    '--mode delivery: the scorer exactly-once and at-least-once, each draining the same backlog (--drain-records)',
    '  and then at the fixed rate (--rate, --warmup, --duration).',
    '--mode models: one scorer (exactly-once), primed, at the fixed rate (--rate, --warmup, --duration) five times:',
    '  no model change, the champion swapped every --swap-every (POST /admin/model), no change, a challenger set',
    '  (POST /admin/model, role challenger), no change; each change against the no-change phases around it.',
    'Durations: 500ms, 20s, 2m (a bare number is seconds), at most 60m.',
    'A phase holds at most 2,000,000 records in memory: rate × (warm-up + measured time).',
    'Exit codes: 0 done, 1 failed, 2 a bad flag or variable (BAD_FLAG), 130 interrupted.',
  ].join('\n'),
  flags: {
    mode: { value: 'all|open-loop|drain|delivery|models', default: 'all', meaning: 'what to run (see below)' },
    rate: { value: 'N', default: '500', meaning: 'fixed-rate run: transactions per second', group: 'open-loop' },
    duration: {
      value: '20s',
      default: '20s',
      meaning: 'fixed-rate run: measured time, after the warm-up',
      group: 'open-loop',
    },
    warmup: {
      value: '10s',
      default: '10s',
      meaning: 'fixed-rate run: warm-up, excluded from the figures',
      group: 'open-loop',
    },
    sweep: {
      value: 'R,R,...|none',
      default: DEFAULT_SWEEP,
      meaning: 'sweep rates, increasing, until one fails',
      group: 'open-loop',
    },
    'step-duration': { value: '8s', default: '8s', meaning: 'sweep: measured time per step', group: 'open-loop' },
    'step-warmup': { value: '2s', default: '2s', meaning: 'sweep: warm-up per step', group: 'open-loop' },
    targets: {
      value: 'LIST',
      default: TARGETS.join(','),
      meaning: `pipelines to run: some of ${TARGETS.join(', ')}`,
      group: 'open-loop',
    },
    'budget-ms': { value: 'N', default: '50', meaning: 'p99 budget of a sustainable sweep step', group: 'open-loop' },
    arrivals: {
      value: 'constant|poisson',
      default: 'constant',
      meaning: 'spacing of the send schedule',
      group: 'open-loop',
    },
    'e2e-messages': {
      value: 'N',
      default: '5000',
      meaning: 'Kafka EndToEndLatency messages, 0 = skip',
      group: 'open-loop',
    },
    drain: {
      value: '10s',
      default: '10s',
      meaning: 'wait for outstanding decisions after a phase at most',
      group: 'open-loop',
    },
    'drain-records': { value: 'N', default: '300000', meaning: 'transactions in the backlog', group: 'drain' },
    'drain-targets': {
      value: 'LIST',
      default: DRAIN_TARGETS.join(','),
      meaning: 'drain targets: some of the default, always run in its order',
      group: 'drain',
    },
    'drain-timeout': {
      value: '10m',
      default: '10m',
      meaning: 'how long one target may take to drain the backlog, from ready',
      group: 'drain',
    },
    'compare-node': {
      value: 'PATH',
      meaning: 'also drain with the kafkajs pass-through on this Node binary (e.g. a Node 20)',
      group: 'drain',
    },
    'swap-every': {
      value: '2s',
      default: '2s',
      meaning: 'models: time between two swaps of the champion in the swap phase',
      group: 'models',
    },
    seed: { value: 'N', default: '42', meaning: 'simulator and arrivals seed', group: 'both' },
    partitions: { value: 'N', default: '6', meaning: 'partitions of the benchmark topics', group: 'both' },
    'max-in-flight': {
      value: 'N',
      default: '16',
      meaning: 'concurrent produce requests of the generator',
      group: 'both',
    },
    'max-batch': { value: 'N', default: '500', meaning: 'records per produce request at most', group: 'both' },
    brokers: {
      value: 'H:P,...',
      env: 'KAFKA_BROKERS',
      meaning: 'use these brokers (default: the embedded one, started if needed)',
      group: 'both',
    },
    out: {
      value: 'DIR',
      default: OUT_DIR,
      meaning: 'results root (the default is under the repository root)',
      group: 'both',
    },
    'keep-topics': { meaning: "keep the run's topics (default: deleted at the end)", group: 'both' },
  },
} as const satisfies CommandSpec<FlagTable>;

type BenchFlags = Flags<keyof typeof BENCH_COMMAND.flags>;

/**
 * Flags over environment over defaults, validated and frozen. A bad flag or variable throws a `FlagError` naming
 * it; `--help` throws `HelpRequested` with the text generated from `BENCH_COMMAND`.
 */
export function loadBenchConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): BenchConfig {
  const flags = parseFlags(BENCH_COMMAND, argv, env);
  const sweepRates = rates(flags);
  const compareNode = flags.optional('compare-node');
  const drainTargets = someOf(flags, 'drain-targets', DRAIN_TARGETS);
  const config: BenchConfig = {
    mode: flags.oneOf('mode', MODES),
    brokers: flags.optional('brokers') === undefined ? undefined : flags.brokers('brokers'),
    fixed: {
      rate: flags.number('rate', 1, 1_000_000),
      warmupMs: flags.duration('warmup', 0, MAX_MS),
      measureMs: flags.duration('duration', 1, MAX_MS),
    },
    sweep: {
      rates: sweepRates,
      warmupMs: flags.duration('step-warmup', 0, MAX_MS),
      measureMs: flags.duration('step-duration', 1, MAX_MS),
    },
    targets: [...new Set(someOf(flags, 'targets', TARGETS))],
    budgetMs: flags.number('budget-ms', 0.001, 60_000),
    arrivals: flags.oneOf('arrivals', ['constant', 'poisson'] as const),
    seed: flags.int('seed', 0, 0xffffffff),
    e2eMessages: flags.int('e2e-messages', 0, 1_000_000),
    partitions: flags.int('partitions', 1, 1_000),
    maxInFlight: flags.int('max-in-flight', 1, 1_000),
    maxBatch: flags.int('max-batch', 1, 10_000),
    drainMs: flags.duration('drain', 0, MAX_MS),
    // A given directory is relative to where the command runs; the default one to the repository.
    outDir: flags.given('out') ? resolve(flags.text('out')) : resolve(root, OUT_DIR),
    keepTopics: flags.switch('keep-topics'),
    drainBench: {
      records: flags.int('drain-records', 1, 10_000_000),
      timeoutMs: flags.duration('drain-timeout', 1, MAX_MS),
      // Always in the standard order: the scorer first, while the backlog is youngest.
      targets: DRAIN_TARGETS.filter((t) => drainTargets.includes(t)),
      compareNode: compareNode === undefined ? undefined : resolve(compareNode),
    },
    models: { swapEveryMs: flags.duration('swap-every', 100, MAX_MS) },
  };
  const records = config.fixed.rate * ((config.fixed.warmupMs + config.fixed.measureMs) / 1000);
  const stepRecords = Math.max(0, ...sweepRates) * ((config.sweep.warmupMs + config.sweep.measureMs) / 1000);
  if (records > MAX_PHASE_RECORDS) throw tooManyRecords('--rate', config.fixed.rate, '--warmup + --duration', records);
  if (stepRecords > MAX_PHASE_RECORDS) {
    throw tooManyRecords('--sweep', Math.max(...sweepRates), '--step-warmup + --step-duration', stepRecords);
  }
  return deepFreeze(config);
}

function tooManyRecords(flag: string, rate: number, times: string, records: number): FlagError {
  const count = Math.round(records).toLocaleString('en-US');
  return new FlagError(
    `${flag} ${rate} times ${times} exceeds ${MAX_PHASE_RECORDS.toLocaleString('en-US')} records (${count})`,
  );
}

function rates(flags: BenchFlags): number[] {
  if (flags.text('sweep') === 'none') return [];
  const list = flags.list('sweep').map(Number);
  if (list.some((r) => !Number.isFinite(r) || r < 1 || r > 1_000_000)) {
    flags.fail('sweep', "'none' or rates from 1 to 1000000, comma-separated");
  }
  if (list.some((r, i) => i > 0 && r <= list[i - 1]!)) flags.fail('sweep', 'increasing rates');
  return list;
}

/** A comma-separated list of some of `allowed`, in the order given. */
function someOf<T extends string>(flags: BenchFlags, name: 'targets' | 'drain-targets', allowed: readonly T[]): T[] {
  const list = flags.list(name);
  if (list.some((t) => !(allowed as readonly string[]).includes(t))) flags.fail(name, `some of ${allowed.join(', ')}`);
  return list as T[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
