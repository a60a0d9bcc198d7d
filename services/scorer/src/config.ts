import { resolve } from 'node:path';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS, maxUtf8Bytes } from './core/limits.ts';
import type { InputLimits, OutputLimits } from './core/limits.ts';
import type { PolicyConfig } from './core/policy/policy-config.ts';
import { validatePolicyConfig } from './core/policy/policy-config.ts';
import { ScorerError, errorMessage } from './errors.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface ScorerConfig {
  readonly brokers: readonly string[];
  /** TLS to the brokers; `ca` is a PEM file for a private CA. */
  readonly tls: false | { readonly caFile: string | null };
  /** Never logged. */
  readonly sasl: null | { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
  readonly clientId: string;
  readonly groupId: string;
  /**
   * Names this instance: its transactional id and its private readers of labels and counts. Unique per running
   * instance and stable across its restarts, so a restarted instance fences its crashed predecessor at once.
   */
  readonly instanceId: string;
  /**
   * The given `SCORER_INSTANCE_ID` (none when it was generated): the input consumer's static group membership
   * (`group.instance.id`), so a restarted instance takes its place in the group at once, with its partitions,
   * instead of waiting for its old member's session to time out and a rebalance.
   */
  readonly groupInstanceId: string | undefined;
  /**
   * exactly-once: decisions, dead letters, state changelog records and the consumed offsets commit in one Kafka
   * transaction; at-least-once: offsets are committed after the decisions are acknowledged.
   */
  readonly delivery: 'exactly-once' | 'at-least-once';
  /** Exactly-once: a transaction commits after this long or this many records, whichever first. */
  readonly transaction: { readonly intervalMs: number; readonly maxRecords: number };
  readonly topics: {
    readonly transactions: string;
    readonly labels: string;
    readonly decisions: string;
    readonly deadLetters: string;
    readonly terminalCounts: string;
    readonly cardState: string;
  };
  /** Replicas of the topics the scorer creates itself; -1: the broker's `default.replication.factor`. */
  readonly replicationFactor: number;
  readonly modelPath: string;
  readonly featureSpecPath: string;
  readonly batchMaxRows: number;
  readonly batchMaxWaitMs: number;
  /** A record not decided this long after its Kafka timestamp is decided by rules alone, marked degraded. */
  readonly deadlineMs: number;
  readonly degradedMode: 'fail-open' | 'fail-closed';
  /** Override the model's own REVIEW / DECLINE cut-offs (null: use the model metadata's). */
  readonly thresholds: { readonly review: number | null; readonly decline: number | null };
  /** Amounts above this (major units) are at least reviewed; Infinity turns the rule off. */
  readonly amountLimit: number;
  /** The least action for a card with a fraud report; APPROVE leaves it to the model. */
  readonly reportedCardAction: 'APPROVE' | 'REVIEW' | 'DECLINE';
  readonly http: { readonly host: string; readonly port: number };
  readonly metricsIntervalMs: number;
  readonly shutdownGraceMs: number;
  /** How long a produce retries a transient failure (a broker restart, a leader move) before the scorer stops. */
  readonly deliveryTimeoutMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Bounds on the ids, amounts and times of transactions and labels; a record outside them is dead-lettered. */
  readonly limits: InputLimits;
  /** Bounds on produced records, so the broker accepts every decision and dead letter. */
  readonly output: OutputLimits;
}

/** Each setting: its environment variable, its command-line flag, its default, and what it is (for `--help`). */
const SETTINGS = {
  brokers: ['KAFKA_BROKERS', '--brokers', '127.0.0.1:19092', 'bootstrap servers, host:port[,host:port...]'],
  tls: ['KAFKA_TLS', '--kafka-tls', 'false', 'TLS to the brokers: true | false'],
  tlsCaFile: ['KAFKA_TLS_CA_FILE', '--kafka-tls-ca-file', '', 'PEM file of a private CA (default: the system CAs)'],
  saslMechanism: [
    'KAFKA_SASL_MECHANISM',
    '--kafka-sasl-mechanism',
    'none',
    'none | plain | scram-sha-256 | scram-sha-512',
  ],
  saslUsername: ['KAFKA_SASL_USERNAME', '--kafka-sasl-username', '', 'SASL user name'],
  // Environment only in practice: a flag would show the password in the process list.
  saslPassword: ['KAFKA_SASL_PASSWORD', '--kafka-sasl-password', '', 'SASL password: set it in the environment'],
  clientId: ['SCORER_CLIENT_ID', '--client-id', 'fraud-scorer', 'Kafka client id'],
  groupId: ['SCORER_GROUP_ID', '--group-id', 'fraud-scorer', 'consumer group of the scorer instances'],
  instanceId: [
    'SCORER_INSTANCE_ID',
    '--instance-id',
    '',
    'names this instance (transactional id, static group membership); keep it across restarts (default: generated)',
  ],
  delivery: ['DELIVERY', '--delivery', 'exactly-once', 'exactly-once | at-least-once'],
  transactionIntervalMs: [
    'TRANSACTION_INTERVAL_MS',
    '--transaction-interval-ms',
    '20',
    'exactly-once: how long a transaction collects decisions before it commits',
  ],
  transactionMaxRecords: [
    'TRANSACTION_MAX_RECORDS',
    '--transaction-max-records',
    '4000',
    'exactly-once: input records per transaction at most',
  ],
  transactions: ['TOPIC_TRANSACTIONS', '--topic-transactions', 'transactions', 'input topic'],
  labels: ['TOPIC_LABELS', '--topic-labels', 'transaction-labels', 'fraud reports, read whole by every instance'],
  decisions: ['TOPIC_DECISIONS', '--topic-decisions', 'decisions', 'output topic'],
  deadLetters: ['TOPIC_DLQ', '--topic-dlq', 'transactions.dlq', 'dead letters'],
  terminalCounts: [
    'TOPIC_TERMINAL_COUNTS',
    '--topic-terminal-counts',
    'terminal-day-counts',
    'compacted, shared terminal counts',
  ],
  cardState: [
    'TOPIC_CARD_STATE',
    '--topic-card-state',
    '',
    'compacted changelog of card state, partitioned like the input (default: <group id>-card-state-changelog)',
  ],
  replicationFactor: [
    'TOPIC_REPLICATION_FACTOR',
    '--topic-replication-factor',
    '',
    "replicas of the topics the scorer creates (default: the broker's default.replication.factor)",
  ],
  modelPath: ['MODEL_PATH', '--model', resolve(root, 'model', 'fraud-model.onnx'), 'the ONNX model'],
  featureSpecPath: [
    'FEATURE_SPEC_PATH',
    '--feature-spec',
    resolve(root, 'model', 'feature-spec.json'),
    'feature names, order and version',
  ],
  batchMaxRows: ['BATCH_MAX_ROWS', '--batch-max-rows', '64', 'rows per model call at most'],
  batchMaxWaitMs: [
    'BATCH_MAX_WAIT_MS',
    '--batch-max-wait-ms',
    '1',
    'how long a row waits for company before the model runs',
  ],
  deadlineMs: [
    'DEADLINE_MS',
    '--deadline-ms',
    '100',
    "budget from the record's Kafka timestamp; later: rules only, degraded",
  ],
  degradedMode: ['DEGRADED_MODE', '--degraded-mode', 'fail-open', 'fail-open | fail-closed'],
  reviewThreshold: ['REVIEW_THRESHOLD', '--review-threshold', '', "score cut-off for REVIEW (default: the model's)"],
  declineThreshold: [
    'DECLINE_THRESHOLD',
    '--decline-threshold',
    '',
    "score cut-off for DECLINE (default: the model's)",
  ],
  amountLimit: [
    'AMOUNT_LIMIT',
    '--amount-limit',
    '',
    'amounts above this (major units) are at least reviewed (default: none)',
  ],
  reportedCardAction: [
    'REPORTED_CARD_ACTION',
    '--reported-card-action',
    'APPROVE',
    'least action for a card with a fraud report',
  ],
  httpHost: ['HTTP_HOST', '--http-host', '127.0.0.1', 'dashboard and metrics address'],
  httpPort: ['HTTP_PORT', '--http-port', '8787', 'dashboard and metrics port (0: any free port)'],
  metricsIntervalMs: ['METRICS_INTERVAL_MS', '--metrics-interval-ms', '10000', 'the "last interval" of the histograms'],
  shutdownGraceMs: ['SHUTDOWN_GRACE_MS', '--shutdown-grace-ms', '15000', 'bound on a clean stop'],
  deliveryTimeoutMs: [
    'DELIVERY_TIMEOUT_MS',
    '--delivery-timeout-ms',
    '120000',
    'how long a produce retries a transient failure before the scorer stops with PRODUCE_FAILED',
  ],
  logLevel: ['LOG_LEVEL', '--log-level', 'info', 'fatal | error | warn | info | debug | trace | silent'],
  maxIdLength: [
    'MAX_ID_LENGTH',
    '--max-id-length',
    String(DEFAULT_INPUT_LIMITS.maxIdLength),
    'longest id or text field of a transaction or label, in characters; longer: dead letter',
  ],
  maxAmountMinor: [
    'MAX_AMOUNT_MINOR',
    '--max-amount-minor',
    String(DEFAULT_INPUT_LIMITS.maxAmountMinor),
    'largest amount in minor units; larger: dead letter',
  ],
  eventTimeMin: [
    'EVENT_TIME_MIN',
    '--event-time-min',
    new Date(DEFAULT_INPUT_LIMITS.eventTimeMin).toISOString(),
    'earliest event time (ISO 8601 or epoch ms); earlier: dead letter',
  ],
  maxFutureMs: [
    'MAX_FUTURE_MS',
    '--max-future-ms',
    String(DEFAULT_INPUT_LIMITS.maxFutureMs),
    'how far past now an event time may lie; later: dead letter',
  ],
  labelMaxSkewMs: [
    'LABEL_MAX_SKEW_MS',
    '--label-max-skew-ms',
    String(DEFAULT_INPUT_LIMITS.labelMaxSkewMs),
    "how far past now a label's reportedAt may lie; later: dead letter",
  ],
  maxMessageBytes: [
    'MAX_MESSAGE_BYTES',
    '--max-message-bytes',
    String(DEFAULT_OUTPUT_LIMITS.maxMessageBytes),
    "largest record produced (at most the broker's max.message.bytes); larger dead letters are cut",
  ],
} as const satisfies Record<string, readonly [env: string, flag: string, fallback: string, meaning: string]>;

type Key = keyof typeof SETTINGS;

function bad(key: Key, raw: string, expected: string): never {
  const [envName, flag] = SETTINGS[key];
  throw new ScorerError('BAD_CONFIG', `${flag} / ${envName} = '${raw}' is invalid: expected ${expected}`);
}

/** Thrown by `loadConfig` for `--help` / `-h`: print `text` and exit 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor(readonly text: string) {
    super('help requested');
  }
}

/** One line per setting: flag, variable, default, meaning. Defaults only: never a value from the environment. */
export function helpText(): string {
  const rows = Object.values(SETTINGS).map(([envName, flag, fallback, meaning]) => [
    flag,
    envName,
    fallback === '' ? '-' : fallback,
    meaning,
  ]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => `  ${r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ')}`);
  return [
    'Usage: npm run scorer -- [--flag value | --flag=value]...',
    'Every setting is a flag or an environment variable; a flag wins over the variable, which wins over the default.',
    '',
    `  ${['flag'.padEnd(widths[0]!), 'variable'.padEnd(widths[1]!), 'default'.padEnd(widths[2]!), 'meaning'].join('  ')}`,
    ...lines,
    '',
  ].join('\n');
}

/**
 * The scorer's whole configuration, from flags (`--http-port 8080` or `--http-port=8080`) over environment
 * variables over defaults; validated, frozen. The only place that reads `process.env` and `argv`.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): ScorerConfig {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(helpText());
  const byFlag = new Map<string, Key>(Object.entries(SETTINGS).map(([k, [, flag]]) => [flag, k as Key]));
  const flags = new Map<Key, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(name);
    if (key === undefined) throw new ScorerError('BAD_CONFIG', `unknown option '${name}'`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ScorerError('BAD_CONFIG', `option ${name} needs a value`);
    flags.set(key, value);
  }
  const str = (key: Key): string => flags.get(key) ?? (env[SETTINGS[key][0]] || SETTINGS[key][2]);
  const int = (key: Key, min: number, max: number): number => {
    const raw = str(key);
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) bad(key, raw, `a whole number from ${min} to ${max}`);
    return value;
  };
  const name = (key: Key): string => {
    const raw = str(key);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(raw)) bad(key, raw, 'a Kafka name of letters, digits, . _ -');
    return raw;
  };
  const oneOf = <T extends string>(key: Key, allowed: readonly T[]): T => {
    const raw = str(key);
    if (!(allowed as readonly string[]).includes(raw)) bad(key, raw, allowed.join(' | '));
    return raw as T;
  };

  const probability = (key: Key): number | null => {
    const raw = str(key);
    if (raw === '') return null;
    const value = Number(raw);
    if (!(value >= 0 && value <= 1)) bad(key, raw, 'a probability from 0 to 1');
    return value;
  };
  const review = probability('reviewThreshold');
  const decline = probability('declineThreshold');
  if (review !== null && decline !== null && decline < review) {
    bad('declineThreshold', String(decline), `at least the review threshold ${review}`);
  }
  const amountRaw = str('amountLimit');
  const amountLimit = amountRaw === '' ? Infinity : Number(amountRaw);
  if (!(amountLimit > 0)) bad('amountLimit', amountRaw, 'a positive amount in major units');

  const tlsRaw = str('tls');
  if (tlsRaw !== 'true' && tlsRaw !== 'false') bad('tls', tlsRaw, 'true | false');
  const mechanism = oneOf('saslMechanism', ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const);
  let sasl: ScorerConfig['sasl'] = null;
  if (mechanism !== 'none') {
    const username = str('saslUsername');
    const password = str('saslPassword');
    if (username === '') bad('saslUsername', '', `a user name for SASL ${mechanism}`);
    if (password === '') bad('saslPassword', '', `a password for SASL ${mechanism}`);
    sasl = Object.freeze({ mechanism, username, password });
  }

  const brokers = str('brokers')
    .split(',')
    .map((b) => b.trim());
  for (const b of brokers) if (!/^[^\s:]+:\d{1,5}$/.test(b)) bad('brokers', str('brokers'), 'host:port[,host:port...]');
  const groupId = name('groupId');
  const topics = {
    transactions: name('transactions'),
    labels: name('labels'),
    decisions: name('decisions'),
    deadLetters: name('deadLetters'),
    terminalCounts: name('terminalCounts'),
    cardState: str('cardState') === '' ? `${groupId}-card-state-changelog` : name('cardState'),
  };
  const instanceId = str('instanceId') || `${groupId}-${process.pid}-${Date.now().toString(36)}`;
  const eventTimeRaw = str('eventTimeMin');
  const eventTimeMin = /^\d+$/.test(eventTimeRaw.trim()) ? Number(eventTimeRaw) : Date.parse(eventTimeRaw);
  if (!(eventTimeMin >= 0 && eventTimeMin < Date.now())) {
    bad('eventTimeMin', eventTimeRaw, 'an ISO 8601 time or epoch milliseconds, from 1970 to now');
  }
  const DAY_MS = 86_400_000;
  const limits: InputLimits = Object.freeze({
    maxIdLength: int('maxIdLength', 1, 4096),
    maxAmountMinor: int('maxAmountMinor', 1, Number.MAX_SAFE_INTEGER),
    eventTimeMin,
    maxFutureMs: int('maxFutureMs', 0, 366 * DAY_MS),
    labelMaxSkewMs: int('labelMaxSkewMs', 0, 366 * DAY_MS),
  });
  const output: OutputLimits = Object.freeze({
    ...DEFAULT_OUTPUT_LIMITS,
    // At least 64 KiB: room for the bounded key and headers of a dead letter, and any decision of bounded ids.
    maxMessageBytes: int('maxMessageBytes', 65_536, 100_000_000),
    // The key of a record whose card id is within the bound is never cut.
    maxKeyBytes: Math.max(DEFAULT_OUTPUT_LIMITS.maxKeyBytes, maxUtf8Bytes(limits.maxIdLength)),
  });
  return Object.freeze({
    brokers: Object.freeze(brokers),
    tls: tlsRaw === 'true' ? Object.freeze({ caFile: str('tlsCaFile') || null }) : false,
    sasl,
    clientId: name('clientId'),
    groupId,
    instanceId,
    groupInstanceId: str('instanceId') || undefined,
    delivery: oneOf('delivery', ['exactly-once', 'at-least-once'] as const),
    transaction: Object.freeze({
      intervalMs: int('transactionIntervalMs', 1, 10_000),
      maxRecords: int('transactionMaxRecords', 1, 1_000_000),
    }),
    topics: Object.freeze(topics),
    replicationFactor: str('replicationFactor') === '' ? -1 : int('replicationFactor', 1, 32),
    modelPath: resolve(str('modelPath')),
    featureSpecPath: resolve(str('featureSpecPath')),
    batchMaxRows: int('batchMaxRows', 1, 4096),
    batchMaxWaitMs: int('batchMaxWaitMs', 0, 1000),
    deadlineMs: int('deadlineMs', 1, 600_000),
    degradedMode: oneOf('degradedMode', ['fail-open', 'fail-closed'] as const),
    thresholds: Object.freeze({ review, decline }),
    amountLimit,
    reportedCardAction: oneOf('reportedCardAction', ['APPROVE', 'REVIEW', 'DECLINE'] as const),
    http: Object.freeze({ host: str('httpHost'), port: int('httpPort', 0, 65535) }),
    metricsIntervalMs: int('metricsIntervalMs', 100, 3_600_000),
    shutdownGraceMs: int('shutdownGraceMs', 100, 600_000),
    deliveryTimeoutMs: int('deliveryTimeoutMs', 1_000, 3_600_000),
    logLevel: oneOf('logLevel', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    limits,
    output,
  });
}

/**
 * Below this amount (major units) a known card with no risk signal is approved by fail-closed rules alone.
 * Not configurable yet.
 */
const SAFE_AMOUNT = 50;

/**
 * The policy of a scorer with this configuration and a model with these thresholds: a configured threshold
 * overrides the model's. Invalid combinations (e.g. review above decline) are BAD_CONFIG.
 */
export function policyConfigOf(config: ScorerConfig, model: PolicyConfig['thresholds']): PolicyConfig {
  const policy: PolicyConfig = {
    thresholds: {
      review: config.thresholds.review ?? model.review,
      decline: config.thresholds.decline ?? model.decline,
    },
    reportedCardAction: config.reportedCardAction,
    amountLimit: config.amountLimit,
    failMode: config.degradedMode,
    safeAmount: SAFE_AMOUNT,
  };
  try {
    validatePolicyConfig(policy);
  } catch (error) {
    throw new ScorerError('BAD_CONFIG', `policy: ${errorMessage(error)}`);
  }
  return policy;
}
