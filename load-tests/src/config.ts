import { resolve } from 'node:path';
import { DRAIN_TARGETS } from './drain/drain-figures.ts';
import type { DrainTargetName } from './drain/drain-figures.ts';
import { BenchError } from './errors.ts';

export type Arrivals = 'constant' | 'poisson';
export type TargetName = 'scorer' | 'pass-through';

export type BenchMode = 'all' | 'open-loop' | 'drain' | 'delivery';

export interface BenchConfig {
  readonly command: 'run' | 'help';
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
}

const root = resolve(import.meta.dirname, '..', '..');

export const USAGE = `usage: tsx load-tests/src/bench.ts [--mode all|open-loop|drain] [flags]
  --mode all|open-loop|drain|delivery
                         open-loop: Kafka's EndToEndLatency, a fixed-rate run and a sweep of the targets; drain: a
                         backlog produced first, then drained by each drain target in turn (own group, own output
                         topic), for records/s (first → last output) and CPU µs per record; all (default): the
                         drain, then open-loop, one after the other (never at once), both tables printed;
                         delivery: the scorer exactly-once and at-least-once, each draining the same backlog
                         (--drain-records) and then at the fixed rate (--rate, --warmup, --duration)
open-loop:
  --rate N               fixed-rate run: transactions per second (default 500)
  --duration 20s         fixed-rate run: measured time, after the warm-up (default 20s)
  --warmup 10s           fixed-rate run: warm-up, excluded from the figures (default 10s)
  --sweep R,R,...|none   sweep rates, increasing, until one fails (default 250,500,1000,2000,4000,8000)
  --step-duration 8s     sweep: measured time per step (default 8s)
  --step-warmup 2s       sweep: warm-up per step (default 2s)
  --targets LIST         pipelines to run: scorer,pass-through (default both)
  --budget-ms N          p99 budget of a sustainable sweep step (default 50)
  --arrivals constant|poisson  spacing of the send schedule (default constant)
  --e2e-messages N       Kafka EndToEndLatency messages, 0 = skip (default 5000)
  --drain 10s            wait for outstanding decisions after a phase at most (default 10s)
drain:
  --drain-records N      transactions in the backlog (default 300000)
  --drain-targets LIST   scorer,pass-through,pass-through-kafkajs (default all three; run in that order)
  --drain-timeout 10m    how long one target may take to drain the backlog, from ready (default 10m)
  --compare-node PATH    also drain with the kafkajs pass-through on this Node binary (e.g. /usr/bin/node, 20)
both:
  --seed N               simulator and arrivals seed (default 42)
  --partitions N         partitions of the benchmark topics (default 6)
  --max-in-flight N      concurrent produce requests of the generator (default 16)
  --max-batch N          records per produce request at most (default 500)
  --brokers H:P,...      use these brokers (default $KAFKA_BROKERS, else the embedded one, started if needed)
  --out DIR              results root (default load-tests/results)
  --keep-topics          keep the run's topics (default: deleted at the end)`;

const VALUED = [
  'rate',
  'duration',
  'warmup',
  'sweep',
  'step-duration',
  'step-warmup',
  'targets',
  'budget-ms',
  'arrivals',
  'seed',
  'e2e-messages',
  'partitions',
  'max-in-flight',
  'max-batch',
  'drain',
  'brokers',
  'out',
  'mode',
  'drain-records',
  'drain-targets',
  'drain-timeout',
  'compare-node',
] as const;
type Flag = (typeof VALUED)[number];

/** Flags over environment over defaults, validated and frozen; a bad flag throws `BAD_FLAG` naming it. */
export function loadBenchConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): BenchConfig {
  const { values, help, keepTopics } = parseArgv(argv);
  const get = (flag: Flag): string | undefined => values.get(flag);
  const sweepRates = rates(get('sweep') ?? '250,500,1000,2000,4000,8000');
  const brokerList = get('brokers') ?? env['KAFKA_BROKERS'];
  const compareNode = get('compare-node');
  const config: BenchConfig = {
    command: help ? 'help' : 'run',
    mode: oneOf('mode', get('mode') ?? 'all', ['all', 'open-loop', 'drain', 'delivery'] as const),
    brokers: brokerList === undefined || brokerList === '' ? undefined : brokers(brokerList),
    fixed: {
      rate: number('rate', get('rate'), 500, 1, 1_000_000),
      warmupMs: duration('warmup', get('warmup'), 10_000, true),
      measureMs: duration('duration', get('duration'), 20_000, false),
    },
    sweep: {
      rates: sweepRates,
      warmupMs: duration('step-warmup', get('step-warmup'), 2_000, true),
      measureMs: duration('step-duration', get('step-duration'), 8_000, false),
    },
    targets: targets(get('targets') ?? 'scorer,pass-through'),
    budgetMs: number('budget-ms', get('budget-ms'), 50, 0.001, 60_000),
    arrivals: oneOf('arrivals', get('arrivals') ?? 'constant', ['constant', 'poisson'] as const),
    seed: integer('seed', get('seed'), 42, 0, 0xffffffff),
    e2eMessages: integer('e2e-messages', get('e2e-messages'), 5_000, 0, 1_000_000),
    partitions: integer('partitions', get('partitions'), 6, 1, 1_000),
    maxInFlight: integer('max-in-flight', get('max-in-flight'), 16, 1, 1_000),
    maxBatch: integer('max-batch', get('max-batch'), 500, 1, 10_000),
    drainMs: duration('drain', get('drain'), 10_000, true),
    outDir: resolve(get('out') ?? resolve(root, 'load-tests', 'results')),
    keepTopics,
    drainBench: {
      records: integer('drain-records', get('drain-records'), 300_000, 1, 10_000_000),
      timeoutMs: duration('drain-timeout', get('drain-timeout'), 600_000, false),
      targets: drainTargets(get('drain-targets') ?? DRAIN_TARGETS.join(',')),
      compareNode: compareNode === undefined ? undefined : resolve(compareNode),
    },
  };
  const records = config.fixed.rate * ((config.fixed.warmupMs + config.fixed.measureMs) / 1000);
  const stepRecords = Math.max(0, ...sweepRates) * ((config.sweep.warmupMs + config.sweep.measureMs) / 1000);
  // Every record is generated before its phase and held in memory: keep a phase within a few hundred MB.
  if (records > 2_000_000)
    throw badFlag('rate', String(config.fixed.rate), 'times --warmup + --duration exceeds 2,000,000 records');
  if (stepRecords > 2_000_000)
    throw badFlag('sweep', get('sweep') ?? '', 'times the step time exceeds 2,000,000 records');
  return deepFreeze(config);
}

function parseArgv(argv: readonly string[]): { values: Map<Flag, string>; help: boolean; keepTopics: boolean } {
  const values = new Map<Flag, string>();
  let help = false;
  let keepTopics = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--keep-topics') {
      keepTopics = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new BenchError('BAD_FLAG', `unexpected argument "${arg}" (flags start with --)`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!(VALUED as readonly string[]).includes(name)) throw new BenchError('BAD_FLAG', `unknown flag --${name}`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw badFlag(name, '', 'needs a value');
    if (values.has(name as Flag)) throw badFlag(name, value, 'is given twice');
    values.set(name as Flag, value.trim());
  }
  return { values, help, keepTopics };
}

function badFlag(flag: string, value: string, why: string): BenchError {
  return new BenchError('BAD_FLAG', `--${flag}${value === '' ? '' : ` ${JSON.stringify(value)}`} ${why}`);
}

function number(flag: Flag, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < min || n > max) {
    throw badFlag(flag, value, `must be a number from ${min} to ${max}`);
  }
  return n;
}

function integer(flag: Flag, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badFlag(flag, value, `must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function oneOf<T extends string>(flag: Flag, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw badFlag(flag, value, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function duration(flag: Flag, value: string | undefined, fallback: number, zeroAllowed: boolean): number {
  if (value === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  const ms = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : NaN;
  if (!match || !(ms >= 0) || (!zeroAllowed && ms === 0) || ms > 3_600_000) {
    throw badFlag(flag, value, `must be a duration such as 500ms, 20s or 2m (${zeroAllowed ? '0' : '> 0'} to 60m)`);
  }
  return ms;
}

function rates(value: string): number[] {
  if (value === 'none') return [];
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.some((r) => !Number.isFinite(r) || r < 1 || r > 1_000_000)) {
    throw badFlag('sweep', value, 'must be "none" or rates from 1 to 1000000, comma-separated');
  }
  if (list.some((r, i) => i > 0 && r <= list[i - 1]!)) throw badFlag('sweep', value, 'must be increasing');
  return list;
}

function targets(value: string): TargetName[] {
  const list = value.split(',').map((s) => s.trim());
  for (const t of list) {
    if (t !== 'scorer' && t !== 'pass-through') {
      throw badFlag('targets', value, 'must list scorer and/or pass-through');
    }
  }
  return [...new Set(list as TargetName[])];
}

function drainTargets(value: string): DrainTargetName[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.some((t) => !(DRAIN_TARGETS as readonly string[]).includes(t))) {
    throw badFlag('drain-targets', value, `must list some of ${DRAIN_TARGETS.join(', ')}`);
  }
  // Always in the standard order: the scorer first, while the backlog is youngest.
  return DRAIN_TARGETS.filter((t) => list.includes(t));
}

function brokers(value: string): string[] {
  const list = value.split(',').map((s) => s.trim());
  for (const broker of list) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker)) throw badFlag('brokers', value, 'must be host:port[,host:port...]');
  }
  return list;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
