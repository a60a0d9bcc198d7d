import { BASELINE_SCENARIOS, SCENARIO_IDS, isScenarioId } from './core/scenario-ids.ts';
import type { ScenarioId } from './core/scenario-ids.ts';
import { SimError } from './errors.ts';

export type Output = 'file' | 'kafka' | 'null';

export interface SimConfig {
  readonly command: 'run' | 'help' | 'list-scenarios';
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

const FLAGS = [
  'out',
  'dir',
  'format',
  'seed',
  'customers',
  'terminals',
  'plane-km',
  'radius-km',
  'start',
  'days',
  'count',
  'duration',
  'scenarios',
  'label-delay-days',
  'run-id',
  'brokers',
  'client-id',
  'topic',
  'labels-topic',
  'partitions',
  'rate',
  'arrivals',
  'speed',
  'max-in-flight',
  'max-batch',
  'report-every',
  'behind-ms',
  'log-level',
] as const;
type Flag = (typeof FLAGS)[number];

export const USAGE = `usage: tsx services/producer-sim/src/main.ts [flags]
  --out file|kafka|null     where the stream goes (default file; null = generate and discard)
  --dir PATH                file output directory (default data/sim)
  --format ndjson|csv       file format (default ndjson)
  --seed N                  random seed, 0..4294967295 (default 42)
  --customers N             customers, one card each (default 5000)
  --terminals N             home-country terminals (default 10000)
  --plane-km KM             side of the home square (default 100 * sqrt(terminals / 10000))
  --radius-km KM            a customer's reach (default 5)
  --start YYYY-MM-DD        first simulated day, UTC (default 2018-04-01)
  --days N                  simulated days (default 30 for files when --count is not given; Kafka: no limit)
  --count N                 stop after N transactions
  --duration 60s|5m|1h      stop after this much wall time (Kafka)
  --scenarios baseline|full|id,id,...|list  fraud scenarios (default full); list prints them and exits
  --label-delay-days D      simulated delay of a fraud report (default 7)
  --run-id ID               transaction id prefix (default s<seed>)
  --brokers H:P,H:P         Kafka brokers (default $KAFKA_BROKERS or 127.0.0.1:19092)
  --client-id ID            Kafka client id (default producer-sim)
  --topic NAME              transactions topic (default transactions)
  --labels-topic NAME       labels topic (default transaction-labels)
  --partitions N            partitions of topics created here (default 6)
  --rate N                  target transactions per second, open loop (default 2000)
  --arrivals constant|poisson  spacing of the send schedule (default constant)
  --speed X                 pace by event time instead: X simulated seconds per wall second
  --max-in-flight N         concurrent produce requests (default 1; more may reorder a card's records)
  --max-batch N             records per produce request at most (default 1000)
  --report-every 10s        progress log interval (default 10s)
  --behind-ms N             lag that counts as behind schedule (default 1000)
  --log-level LEVEL         pino level (default $LOG_LEVEL or info)`;

/** Compiles the environment and command line into one frozen config; a bad flag throws `BAD_FLAG` naming it. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): SimConfig {
  const { values, help } = parseArgv(argv);
  const config = compile(env, values);
  return freeze(help ? { ...config, command: 'help' } : config);
}

function compile(env: Readonly<Record<string, string | undefined>>, values: Map<Flag, string>): SimConfig {
  const get = (flag: Flag): string | undefined => values.get(flag);
  const out = oneOf('out', get('out') ?? 'file', ['file', 'kafka', 'null'] as const);
  const terminals = integer('terminals', get('terminals'), 10_000, 1);
  const count = integer('count', get('count'), Infinity, 1);
  const scenarioFlag = get('scenarios') ?? 'full';
  const seed = integer('seed', get('seed'), 42, 0, 0xffffffff);
  const rate = number('rate', get('rate'), 2000, 0.001);
  const speed = get('speed') === undefined ? null : number('speed', get('speed'), 0, 0.001);
  if (speed !== null && get('rate') !== undefined)
    throw badFlag('speed', get('speed')!, 'cannot be combined with --rate');
  const fileLike = out !== 'kafka';
  return {
    command: scenarioFlag === 'list' ? 'list-scenarios' : 'run',
    out,
    seed,
    customers: integer('customers', get('customers'), 5_000, 1),
    terminals,
    planeKm: number('plane-km', get('plane-km'), 100 * Math.sqrt(terminals / 10_000), 0.001),
    radiusKm: number('radius-km', get('radius-km'), 5, 0.001),
    startMs: date('start', get('start') ?? '2018-04-01'),
    days: integer('days', get('days'), fileLike && count === Infinity ? 30 : Infinity, 1),
    count,
    durationMs: duration('duration', get('duration'), Infinity),
    scenarios: scenarioFlag === 'list' ? [] : scenarios(scenarioFlag),
    labelDelayMs: number('label-delay-days', get('label-delay-days'), 7, 0) * 86_400_000,
    runId: token('run-id', get('run-id') ?? `s${seed}`),
    file: {
      dir: get('dir') ?? 'data/sim',
      format: oneOf('format', get('format') ?? 'ndjson', ['ndjson', 'csv'] as const),
    },
    kafka: {
      brokers: brokers(get('brokers') ?? env['KAFKA_BROKERS'] ?? '127.0.0.1:19092'),
      clientId: token('client-id', get('client-id') ?? 'producer-sim'),
      transactionsTopic: topic('topic', get('topic') ?? 'transactions'),
      labelsTopic: topic('labels-topic', get('labels-topic') ?? 'transaction-labels'),
      partitions: integer('partitions', get('partitions'), 6, 1, 10_000),
      rate,
      arrivals: oneOf('arrivals', get('arrivals') ?? 'constant', ['constant', 'poisson'] as const),
      speed,
      maxInFlight: integer('max-in-flight', get('max-in-flight'), 1, 1, 10_000),
      maxBatch: integer('max-batch', get('max-batch'), 1_000, 1, 1_000_000),
      reportEveryMs: duration('report-every', get('report-every'), 10_000),
      behindMs: integer('behind-ms', get('behind-ms'), 1_000, 0),
    },
    logLevel: oneOf('log-level', get('log-level') ?? env['LOG_LEVEL'] ?? 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
  };
}

function parseArgv(argv: readonly string[]): { values: Map<Flag, string>; help: boolean } {
  const values = new Map<Flag, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new SimError('BAD_FLAG', `unexpected argument "${arg}" (flags start with --)`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!(FLAGS as readonly string[]).includes(name)) throw new SimError('BAD_FLAG', `unknown flag --${name}`);
    let value: string | undefined = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw badFlag(name, '', 'needs a value');
    value = value.trim();
    if (values.has(name as Flag)) throw badFlag(name, value, 'is given twice');
    values.set(name as Flag, value);
  }
  return { values, help };
}

function badFlag(flag: string, value: string, why: string): SimError {
  return new SimError('BAD_FLAG', `--${flag}${value === '' ? '' : ` ${JSON.stringify(value)}`} ${why}`);
}

function number(flag: Flag, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < min) throw badFlag(flag, value, `must be a number >= ${min}`);
  return n;
}

function integer(flag: Flag, value: string | undefined, fallback: number, min: number, max = 2 ** 31): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badFlag(flag, value, `must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function oneOf<T extends string>(flag: Flag, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw badFlag(flag, value, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function date(flag: Flag, value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw badFlag(flag, value, 'must be a date YYYY-MM-DD');
  }
  return ms;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function duration(flag: Flag, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  const ms = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : NaN;
  if (!match || !(ms > 0)) throw badFlag(flag, value, 'must be a duration such as 500ms, 60s, 5m or 1h');
  return ms;
}

function scenarios(value: string): ScenarioId[] {
  if (value === 'baseline') return [...BASELINE_SCENARIOS];
  if (value === 'full') return [...SCENARIO_IDS];
  const ids = value.split(',').map((s) => s.trim());
  for (const id of ids) {
    if (!isScenarioId(id)) throw badFlag('scenarios', value, `names unknown scenario "${id}" (see --scenarios list)`);
  }
  return [...new Set(ids as ScenarioId[])];
}

function brokers(value: string): string[] {
  const list = value.split(',').map((s) => s.trim());
  for (const broker of list) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker)) throw badFlag('brokers', value, 'must be host:port[,host:port...]');
  }
  return list;
}

function topic(flag: Flag, value: string): string {
  if (!/^[\w.-]{1,249}$/.test(value)) throw badFlag(flag, value, 'is not a valid Kafka topic name');
  return value;
}

function token(flag: Flag, value: string): string {
  if (!/^[\w.-]{1,64}$/.test(value)) throw badFlag(flag, value, 'must be 1-64 letters, digits, _ . or -');
  return value;
}

function freeze(config: SimConfig): SimConfig {
  Object.freeze(config.file);
  Object.freeze(config.kafka.brokers);
  Object.freeze(config.kafka);
  Object.freeze(config.scenarios);
  return Object.freeze(config);
}
