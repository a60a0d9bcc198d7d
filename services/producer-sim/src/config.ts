import { FlagError, parseFlags } from '../../cli/src/flags.ts';
import type { CommandSpec, FlagTable, Flags } from '../../cli/src/flags.ts';
import { BASELINE_SCENARIOS, SCENARIO_IDS, isScenarioId } from './core/scenario-ids.ts';
import type { ScenarioId } from './core/scenario-ids.ts';
import { FEED_CONTEXTS } from './core/records.ts';
import type { FeedContext } from './core/records.ts';

export type Output = 'file' | 'kafka' | 'null';

export interface SimConfig {
  readonly command: 'run' | 'list-scenarios';
  readonly out: Output;
  readonly seed: number;
  readonly customers: number;
  readonly terminals: number;
  readonly planeKm: number;
  readonly radiusKm: number;
  readonly startMs: number;
  /** Simulated days; Infinity = until another bound stops the run. */
  readonly days: number;
  /** Transactions to emit; Infinity = no limit. */
  readonly count: number;
  /** Wall-clock bound of a Kafka run, ms; Infinity = no limit. */
  readonly durationMs: number;
  readonly scenarios: readonly ScenarioId[];
  readonly labelDelayMs: number;
  readonly runId: string;
  /** What the records tell beyond card, terminal, amount and time. */
  readonly context: FeedContext;
  readonly file: { readonly dir: string; readonly format: 'ndjson' | 'csv' };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly transactionsTopic: string;
    readonly labelsTopic: string;
    /** Partitions for topics the simulator has to create (existing topics are left alone). */
    readonly partitions: number;
    /** Target transactions per second (open loop). */
    readonly rate: number;
    readonly arrivals: 'constant' | 'poisson';
    /** Simulated seconds per wall second; when set, event times pace the sends instead of `rate`. */
    readonly speed: number | null;
    /**
     * Outstanding `send`s. The idempotent producer queues them in order, but a retried request may land after a
     * later one, so 1 keeps each card's records in order; records due meanwhile go in the next batch.
     */
    readonly maxInFlight: number;
    /** Records per produce request at most (a partition's share of it must stay under `message.max.bytes`, 1 MB). */
    readonly maxBatch: number;
    readonly reportEveryMs: number;
    readonly behindMs: number;
  };
  readonly logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The simulator's flags: the parser's options and the `--help` text. */
export const SIM_COMMAND = {
  usage: 'tsx services/producer-sim/src/main.ts [flags]   (npm run sim -- [flags])',
  notes: [
    'Durations: 500ms, 20s, 5m, 1h (a bare number is seconds). --scenarios list prints the scenarios and exits.',
    'Exit codes: 0 done, 1 the run failed, 2 a bad flag or variable (BAD_FLAG).',
  ].join('\n'),
  flags: {
    out: { value: 'file|kafka|null', default: 'file', meaning: 'where the stream goes (null = generate and discard)' },
    dir: { value: 'PATH', default: 'data/sim', meaning: 'file output directory' },
    format: { value: 'ndjson|csv', default: 'ndjson', meaning: 'file format' },
    seed: { value: 'N', default: '42', meaning: 'random seed, 0..4294967295' },
    customers: { value: 'N', default: '5000', meaning: 'customers, one card each' },
    terminals: { value: 'N', default: '10000', meaning: 'home-country terminals' },
    'plane-km': { value: 'KM', meaning: 'side of the home square (default 100 * sqrt(terminals / 10000))' },
    'radius-km': { value: 'KM', default: '5', meaning: "a customer's reach" },
    start: { value: 'YYYY-MM-DD', default: '2018-04-01', meaning: 'first simulated day, UTC' },
    days: { value: 'N', meaning: 'simulated days (files: 30 unless --count is given; Kafka: no limit)' },
    count: { value: 'N', meaning: 'stop after N transactions' },
    duration: { value: '60s|5m|1h', meaning: 'stop after this much wall time (Kafka)' },
    scenarios: { value: 'baseline|full|id,id,...|list', default: 'full', meaning: 'fraud scenarios; list prints them' },
    'label-delay-days': { value: 'D', default: '7', meaning: 'simulated delay of a fraud report' },
    'run-id': { value: 'ID', meaning: 'transaction id prefix (default s<seed>)' },
    context: {
      value: 'full|constant|absent',
      default: 'full',
      meaning: 'the feed: full context, or only card, terminal, amount and time (the rest one neutral value, or null)',
    },
    brokers: { value: 'H:P,H:P', env: 'KAFKA_BROKERS', default: '127.0.0.1:19092', meaning: 'Kafka brokers' },
    'client-id': { value: 'ID', default: 'producer-sim', meaning: 'Kafka client id' },
    topic: { value: 'NAME', default: 'transactions', meaning: 'transactions topic' },
    'labels-topic': { value: 'NAME', default: 'transaction-labels', meaning: 'labels topic' },
    partitions: { value: 'N', default: '6', meaning: 'partitions of topics created here' },
    rate: { value: 'N', default: '2000', meaning: 'target transactions per second, open loop' },
    arrivals: { value: 'constant|poisson', default: 'constant', meaning: 'spacing of the send schedule' },
    speed: { value: 'X', meaning: 'pace by event time: X simulated seconds per wall second (not with --rate)' },
    'max-in-flight': {
      value: 'N',
      default: '1',
      meaning: "concurrent produce requests (more may reorder a card's records)",
    },
    'max-batch': { value: 'N', default: '1000', meaning: 'records per produce request at most' },
    'report-every': { value: '10s', default: '10s', meaning: 'progress log interval' },
    'behind-ms': { value: 'N', default: '1000', meaning: 'lag that counts as behind schedule' },
    'log-level': { value: 'LEVEL', env: 'LOG_LEVEL', default: 'info', meaning: `pino level: ${LOG_LEVELS.join(', ')}` },
  },
} as const satisfies CommandSpec<FlagTable>;

type SimFlags = Flags<keyof typeof SIM_COMMAND.flags>;

/** The largest count of customers, terminals, days, transactions or lag the simulator takes. */
const MAX_INT = 2 ** 31;

/**
 * Compiles the environment and command line into one frozen config. A bad flag or variable throws a `FlagError`
 * naming it; `--help` throws `HelpRequested` with the text generated from `SIM_COMMAND`.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): SimConfig {
  return freeze(compile(parseFlags(SIM_COMMAND, argv, env)));
}

function compile(flags: SimFlags): SimConfig {
  const out = flags.oneOf('out', ['file', 'kafka', 'null'] as const);
  const terminals = flags.int('terminals', 1, MAX_INT);
  const count = flags.given('count') ? flags.int('count', 1, MAX_INT) : Infinity;
  const scenarioFlag = flags.text('scenarios');
  const seed = flags.int('seed', 0, 0xffffffff);
  const rate = flags.number('rate', 0.001, Infinity);
  const speed = flags.given('speed') ? flags.number('speed', 0.001, Infinity) : null;
  if (speed !== null && flags.given('rate')) {
    throw new FlagError('--speed cannot be combined with --rate (it paces the sends by event time instead)');
  }
  const fileLike = out !== 'kafka';
  return {
    command: scenarioFlag === 'list' ? 'list-scenarios' : 'run',
    out,
    seed,
    customers: flags.int('customers', 1, MAX_INT),
    terminals,
    planeKm: flags.given('plane-km') ? flags.number('plane-km', 0.001, Infinity) : 100 * Math.sqrt(terminals / 10_000),
    radiusKm: flags.number('radius-km', 0.001, Infinity),
    startMs: date(flags, 'start'),
    days: flags.given('days') ? flags.int('days', 1, MAX_INT) : fileLike && count === Infinity ? 30 : Infinity,
    count,
    durationMs: flags.given('duration') ? flags.duration('duration', 1, Infinity) : Infinity,
    scenarios: scenarioFlag === 'list' ? [] : scenarios(flags),
    labelDelayMs: flags.number('label-delay-days', 0, Infinity) * 86_400_000,
    runId: flags.given('run-id') ? token(flags, 'run-id') : `s${seed}`,
    context: flags.oneOf('context', FEED_CONTEXTS),
    file: {
      dir: flags.text('dir'),
      format: flags.oneOf('format', ['ndjson', 'csv'] as const),
    },
    kafka: {
      brokers: flags.brokers('brokers'),
      clientId: token(flags, 'client-id'),
      transactionsTopic: flags.kafkaName('topic'),
      labelsTopic: flags.kafkaName('labels-topic'),
      partitions: flags.int('partitions', 1, 10_000),
      rate,
      arrivals: flags.oneOf('arrivals', ['constant', 'poisson'] as const),
      speed,
      maxInFlight: flags.int('max-in-flight', 1, 10_000),
      maxBatch: flags.int('max-batch', 1, 1_000_000),
      reportEveryMs: flags.duration('report-every', 1, Infinity),
      behindMs: flags.int('behind-ms', 0, MAX_INT),
    },
    logLevel: flags.oneOf('log-level', LOG_LEVELS),
  };
}

function date(flags: SimFlags, name: 'start'): number {
  const value = flags.text(name);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    flags.fail(name, 'a date YYYY-MM-DD');
  }
  return ms;
}

function scenarios(flags: SimFlags): ScenarioId[] {
  const value = flags.text('scenarios');
  if (value === 'baseline') return [...BASELINE_SCENARIOS];
  if (value === 'full') return [...SCENARIO_IDS];
  const ids = flags.list('scenarios');
  const unknown = ids.filter((id) => !isScenarioId(id));
  if (unknown.length > 0) {
    flags.fail(
      'scenarios',
      `baseline, full, list or known scenarios (unknown: ${unknown.join(', ')}; see --scenarios list)`,
    );
  }
  return [...new Set(ids as ScenarioId[])];
}

/** A run or client id: 1 to 64 letters, digits, `_`, `.` or `-`. */
function token(flags: SimFlags, name: 'run-id' | 'client-id'): string {
  const value = flags.text(name);
  if (!/^[\w.-]{1,64}$/.test(value)) flags.fail(name, '1-64 letters, digits, _ . or -');
  return value;
}

function freeze(config: SimConfig): SimConfig {
  Object.freeze(config.file);
  Object.freeze(config.kafka.brokers);
  Object.freeze(config.kafka);
  Object.freeze(config.scenarios);
  return Object.freeze(config);
}
