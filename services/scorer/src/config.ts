import { resolve } from 'node:path';
import { ScorerError } from './errors.ts';

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
  /** Names this instance in the shared terminal counts; unique per running instance. */
  readonly instanceId: string;
  readonly topics: {
    readonly transactions: string;
    readonly labels: string;
    readonly decisions: string;
    readonly deadLetters: string;
    readonly terminalCounts: string;
  };
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
  readonly partitionsConcurrently: number;
  readonly http: { readonly host: string; readonly port: number };
  readonly metricsIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Each setting: its environment variable, its command-line flag, its default and how to read it. */
const SETTINGS = {
  brokers: ['KAFKA_BROKERS', '--brokers', '127.0.0.1:19092'],
  tls: ['KAFKA_TLS', '--kafka-tls', 'false'],
  tlsCaFile: ['KAFKA_TLS_CA_FILE', '--kafka-tls-ca-file', ''],
  saslMechanism: ['KAFKA_SASL_MECHANISM', '--kafka-sasl-mechanism', 'none'],
  saslUsername: ['KAFKA_SASL_USERNAME', '--kafka-sasl-username', ''],
  // Environment only in practice: a flag would show the password in the process list.
  saslPassword: ['KAFKA_SASL_PASSWORD', '--kafka-sasl-password', ''],
  clientId: ['SCORER_CLIENT_ID', '--client-id', 'fraud-scorer'],
  groupId: ['SCORER_GROUP_ID', '--group-id', 'fraud-scorer'],
  instanceId: ['SCORER_INSTANCE_ID', '--instance-id', ''],
  transactions: ['TOPIC_TRANSACTIONS', '--topic-transactions', 'transactions'],
  labels: ['TOPIC_LABELS', '--topic-labels', 'transaction-labels'],
  decisions: ['TOPIC_DECISIONS', '--topic-decisions', 'decisions'],
  deadLetters: ['TOPIC_DLQ', '--topic-dlq', 'transactions.dlq'],
  terminalCounts: ['TOPIC_TERMINAL_COUNTS', '--topic-terminal-counts', 'terminal-day-counts'],
  modelPath: ['MODEL_PATH', '--model', resolve(root, 'model', 'fraud-model.onnx')],
  featureSpecPath: ['FEATURE_SPEC_PATH', '--feature-spec', resolve(root, 'model', 'feature-spec.json')],
  batchMaxRows: ['BATCH_MAX_ROWS', '--batch-max-rows', '64'],
  batchMaxWaitMs: ['BATCH_MAX_WAIT_MS', '--batch-max-wait-ms', '1'],
  deadlineMs: ['DEADLINE_MS', '--deadline-ms', '100'],
  degradedMode: ['DEGRADED_MODE', '--degraded-mode', 'fail-open'],
  reviewThreshold: ['REVIEW_THRESHOLD', '--review-threshold', ''],
  declineThreshold: ['DECLINE_THRESHOLD', '--decline-threshold', ''],
  amountLimit: ['AMOUNT_LIMIT', '--amount-limit', ''],
  reportedCardAction: ['REPORTED_CARD_ACTION', '--reported-card-action', 'APPROVE'],
  partitionsConcurrently: ['PARTITIONS_CONCURRENTLY', '--partitions-concurrently', '6'],
  httpHost: ['HTTP_HOST', '--http-host', '127.0.0.1'],
  httpPort: ['HTTP_PORT', '--http-port', '8787'],
  metricsIntervalMs: ['METRICS_INTERVAL_MS', '--metrics-interval-ms', '10000'],
  shutdownGraceMs: ['SHUTDOWN_GRACE_MS', '--shutdown-grace-ms', '15000'],
  logLevel: ['LOG_LEVEL', '--log-level', 'info'],
} as const satisfies Record<string, readonly [string, string, string]>;

type Key = keyof typeof SETTINGS;

function bad(key: Key, raw: string, expected: string): never {
  const [envName, flag] = SETTINGS[key];
  throw new ScorerError('BAD_CONFIG', `${flag} / ${envName} = '${raw}' is invalid: expected ${expected}`);
}

/**
 * The scorer's whole configuration, from flags (`--http-port 8080` or `--http-port=8080`) over environment
 * variables over defaults; validated, frozen. The only place that reads `process.env` and `argv`.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): ScorerConfig {
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
  };
  const instanceId = str('instanceId') || `${groupId}-${process.pid}-${Date.now().toString(36)}`;
  return Object.freeze({
    brokers: Object.freeze(brokers),
    tls: tlsRaw === 'true' ? Object.freeze({ caFile: str('tlsCaFile') || null }) : false,
    sasl,
    clientId: name('clientId'),
    groupId,
    instanceId,
    topics: Object.freeze(topics),
    modelPath: resolve(str('modelPath')),
    featureSpecPath: resolve(str('featureSpecPath')),
    batchMaxRows: int('batchMaxRows', 1, 4096),
    batchMaxWaitMs: int('batchMaxWaitMs', 0, 1000),
    deadlineMs: int('deadlineMs', 1, 600_000),
    degradedMode: oneOf('degradedMode', ['fail-open', 'fail-closed'] as const),
    thresholds: Object.freeze({ review, decline }),
    amountLimit,
    reportedCardAction: oneOf('reportedCardAction', ['APPROVE', 'REVIEW', 'DECLINE'] as const),
    partitionsConcurrently: int('partitionsConcurrently', 1, 256),
    http: Object.freeze({ host: str('httpHost'), port: int('httpPort', 0, 65535) }),
    metricsIntervalMs: int('metricsIntervalMs', 100, 3_600_000),
    shutdownGraceMs: int('shutdownGraceMs', 100, 600_000),
    logLevel: oneOf('logLevel', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  });
}
