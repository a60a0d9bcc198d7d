import { resolve } from 'node:path';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS, maxUtf8Bytes } from './core/limits.ts';
import type { InputLimits, OutputLimits } from './core/limits.ts';
import type { PolicyConfig } from './core/policy/policy-config.ts';
import { DEFAULT_CHALLENGER_BUDGET_US } from './core/scoring/micro-batcher.ts';
import { validatePolicyConfig } from './core/policy/policy-config.ts';
import { parseFlags } from '../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../cli/src/flags.ts';
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
  /**
   * Replicas of the topics the scorer creates itself: 3 by default, as production clusters need; 1 on the
   * embedded one-broker cluster; -1: the broker's `default.replication.factor`.
   */
  readonly replicationFactor: number;
  readonly modelPath: string;
  /** A challenger model that shadows the champion (its scores travel in the decisions, never its actions). */
  readonly challengerModelPath: string | null;
  /** A challenger call slower than this pauses the challenger for 1000 calls. */
  readonly challengerBudgetUs: number;
  /**
   * The admin endpoints (`/admin/*`: swap, challenger, promote): off without a token; from loopback peers only
   * unless `remote`. Never logged.
   */
  readonly admin: { readonly token: string | null; readonly remote: boolean };
  readonly featureSpecPath: string;
  /**
   * Live quality: the decisions of the last `windowMs` of event time (at most `maxDecisions`) joined to the fraud
   * reports, per model, recomputed every `intervalMs`; decisions younger than `labelDelayMs` are not labelled yet.
   */
  readonly quality: {
    readonly windowMs: number;
    readonly labelDelayMs: number;
    readonly maxDecisions: number;
    readonly intervalMs: number;
  };
  /** Explanations: the top `top` TreeSHAP features on REVIEW / DECLINE decisions (0: none), APPROVE ones too if `approvals`. */
  readonly explain: { readonly top: number; readonly approvals: boolean };
  /** Feature drift: the last `windowRows` rows scored against the champion's training rows (PSI from `minRows` on). */
  readonly drift: { readonly windowRows: number; readonly minRows: number };
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

/** Each setting: its flag, its environment variable, its default and what it is; `--help` prints this table. */
const COMMAND = {
  usage: 'npm run scorer -- [--flag value | --flag=value]...',
  notes:
    'Every setting is a flag or an environment variable; a flag wins over the variable, which wins over the default.\n' +
    'Exit codes: 0 stopped cleanly, 1 failed (start-up or running), 2 a bad flag or variable (BAD_FLAG).',
  flags: {
    brokers: { value: 'H:P,...', env: 'KAFKA_BROKERS', default: '127.0.0.1:19092', meaning: 'bootstrap servers' },
    'kafka-tls': { value: 'BOOL', env: 'KAFKA_TLS', default: 'false', meaning: 'TLS to the brokers: true | false' },
    'kafka-tls-ca-file': {
      value: 'PATH',
      env: 'KAFKA_TLS_CA_FILE',
      meaning: 'PEM file of a private CA (default: the system CAs)',
    },
    'kafka-sasl-mechanism': {
      value: 'NAME',
      env: 'KAFKA_SASL_MECHANISM',
      default: 'none',
      meaning: 'none | plain | scram-sha-256 | scram-sha-512',
    },
    'kafka-sasl-username': { value: 'NAME', env: 'KAFKA_SASL_USERNAME', meaning: 'SASL user name' },
    // Environment only in practice: a flag would show the password in the process list.
    'kafka-sasl-password': {
      value: 'TEXT',
      env: 'KAFKA_SASL_PASSWORD',
      meaning: 'SASL password: set it in the environment',
      secret: true,
    },
    'client-id': { value: 'ID', env: 'SCORER_CLIENT_ID', default: 'fraud-scorer', meaning: 'Kafka client id' },
    'group-id': {
      value: 'ID',
      env: 'SCORER_GROUP_ID',
      default: 'fraud-scorer',
      meaning: 'consumer group of the scorer instances',
    },
    'instance-id': {
      value: 'ID',
      env: 'SCORER_INSTANCE_ID',
      meaning:
        'names this instance (transactional id, static group membership); keep it across restarts (default: generated)',
    },
    delivery: {
      value: 'MODE',
      env: 'DELIVERY',
      default: 'exactly-once',
      meaning: 'exactly-once | at-least-once',
    },
    'transaction-interval-ms': {
      value: 'MS',
      env: 'TRANSACTION_INTERVAL_MS',
      default: '20',
      meaning: 'exactly-once: how long a transaction collects decisions before it commits',
    },
    'transaction-max-records': {
      value: 'N',
      env: 'TRANSACTION_MAX_RECORDS',
      default: '4000',
      meaning: 'exactly-once: input records per transaction at most',
    },
    'topic-transactions': { value: 'NAME', env: 'TOPIC_TRANSACTIONS', default: 'transactions', meaning: 'input topic' },
    'topic-labels': {
      value: 'NAME',
      env: 'TOPIC_LABELS',
      default: 'transaction-labels',
      meaning: 'fraud reports, read whole by every instance',
    },
    'topic-decisions': { value: 'NAME', env: 'TOPIC_DECISIONS', default: 'decisions', meaning: 'output topic' },
    'topic-dlq': { value: 'NAME', env: 'TOPIC_DLQ', default: 'transactions.dlq', meaning: 'dead letters' },
    'topic-terminal-counts': {
      value: 'NAME',
      env: 'TOPIC_TERMINAL_COUNTS',
      default: 'terminal-day-counts',
      meaning: 'compacted, shared terminal counts',
    },
    'topic-card-state': {
      value: 'NAME',
      env: 'TOPIC_CARD_STATE',
      meaning:
        'compacted changelog of card state, partitioned like the input (default: <group id>-card-state-changelog)',
    },
    'topic-replication-factor': {
      value: 'N',
      env: 'TOPIC_REPLICATION_FACTOR',
      default: '3',
      meaning:
        "replicas of the topics the scorer creates (1 on the embedded one-broker cluster; -1: the broker's default)",
    },
    model: {
      value: 'PATH',
      env: 'MODEL_PATH',
      default: resolve(root, 'model', 'fraud-model.onnx'),
      meaning: 'the ONNX model',
    },
    'challenger-model': {
      value: 'PATH',
      env: 'CHALLENGER_MODEL_PATH',
      meaning: 'an ONNX model that shadows the champion: its score goes in each decision, never its action',
    },
    'challenger-budget-us': {
      value: 'US',
      env: 'CHALLENGER_BUDGET_US',
      default: String(DEFAULT_CHALLENGER_BUDGET_US),
      meaning: 'a challenger call slower than this (or one that fails) pauses the challenger for 1000 calls',
    },
    // Environment only in practice, like the SASL password.
    'admin-token': {
      value: 'TEXT',
      env: 'SCORER_ADMIN_TOKEN',
      meaning: 'bearer token of the /admin endpoints (model swap, challenger, promote); unset: they are off',
      secret: true,
    },
    'admin-remote': {
      value: 'BOOL',
      env: 'SCORER_ADMIN_REMOTE',
      default: 'false',
      meaning: '/admin answers peers other than loopback too: true | false',
    },
    'feature-spec': {
      value: 'PATH',
      env: 'FEATURE_SPEC_PATH',
      default: resolve(root, 'model', 'feature-spec.json'),
      meaning: 'feature names, order and version',
    },
    'quality-window-ms': {
      value: 'MS',
      env: 'QUALITY_WINDOW_MS',
      default: String(14 * 86_400_000),
      meaning: 'live quality: the event-time window of decisions joined to fraud reports (14 days)',
    },
    'quality-label-delay-ms': {
      value: 'MS',
      env: 'QUALITY_LABEL_DELAY_MS',
      default: String(7 * 86_400_000),
      meaning: 'live quality: how late fraud reports come; younger decisions count as not labelled yet (7 days)',
    },
    'quality-max-decisions': {
      value: 'N',
      env: 'QUALITY_MAX_DECISIONS',
      default: '100000',
      meaning: 'live quality: decisions held at most (the oldest go first)',
    },
    'quality-interval-ms': {
      value: 'MS',
      env: 'QUALITY_INTERVAL_MS',
      default: '30000',
      meaning: 'live quality: how often the figures are worked out again (on the event loop: ~0.1 s at 100,000 held)',
    },
    'explain-top': {
      value: 'N',
      env: 'EXPLAIN_TOP',
      default: '5',
      meaning: "explanations: the model's top features (TreeSHAP) on each REVIEW and DECLINE decision (0: none)",
    },
    'explain-approvals': {
      value: 'BOOL',
      env: 'EXPLAIN_APPROVALS',
      default: 'false',
      meaning: 'explanations on APPROVE decisions too (each costs ~0.3 ms of CPU)',
    },
    'drift-window-rows': {
      value: 'N',
      env: 'DRIFT_WINDOW_ROWS',
      default: '50000',
      meaning: "feature drift: the latest rows scored, compared per feature with the champion's training rows",
    },
    'drift-min-rows': {
      value: 'N',
      env: 'DRIFT_MIN_ROWS',
      default: '1000',
      meaning: 'feature drift: rows needed before a PSI is shown',
    },
    'batch-max-rows': { value: 'N', env: 'BATCH_MAX_ROWS', default: '64', meaning: 'rows per model call at most' },
    'batch-max-wait-ms': {
      value: 'MS',
      env: 'BATCH_MAX_WAIT_MS',
      default: '1',
      meaning: 'how long a row waits for company before the model runs',
    },
    'deadline-ms': {
      value: 'MS',
      env: 'DEADLINE_MS',
      default: '100',
      meaning: "budget from the record's Kafka timestamp; later: rules only, degraded",
    },
    'degraded-mode': {
      value: 'MODE',
      env: 'DEGRADED_MODE',
      default: 'fail-open',
      meaning: 'fail-open | fail-closed',
    },
    'review-threshold': {
      value: 'P',
      env: 'REVIEW_THRESHOLD',
      meaning: "score cut-off for REVIEW (default: the model's)",
    },
    'decline-threshold': {
      value: 'P',
      env: 'DECLINE_THRESHOLD',
      meaning: "score cut-off for DECLINE (default: the model's)",
    },
    'amount-limit': {
      value: 'AMOUNT',
      env: 'AMOUNT_LIMIT',
      meaning: 'amounts above this (major units) are at least reviewed (default: none)',
    },
    'reported-card-action': {
      value: 'ACTION',
      env: 'REPORTED_CARD_ACTION',
      default: 'APPROVE',
      meaning: 'least action for a card with a fraud report',
    },
    'http-host': { value: 'HOST', env: 'HTTP_HOST', default: '127.0.0.1', meaning: 'dashboard and metrics address' },
    'http-port': {
      value: 'PORT',
      env: 'HTTP_PORT',
      default: '8787',
      meaning: 'dashboard and metrics port (0: any free port)',
    },
    'metrics-interval-ms': {
      value: 'MS',
      env: 'METRICS_INTERVAL_MS',
      default: '10000',
      meaning: 'the "last interval" of the histograms',
    },
    'shutdown-grace-ms': { value: 'MS', env: 'SHUTDOWN_GRACE_MS', default: '15000', meaning: 'bound on a clean stop' },
    'delivery-timeout-ms': {
      value: 'MS',
      env: 'DELIVERY_TIMEOUT_MS',
      default: '120000',
      meaning: 'how long a produce retries a transient failure before the scorer stops with PRODUCE_FAILED',
    },
    'log-level': {
      value: 'LEVEL',
      env: 'LOG_LEVEL',
      default: 'info',
      meaning: 'fatal | error | warn | info | debug | trace | silent',
    },
    'max-id-length': {
      value: 'N',
      env: 'MAX_ID_LENGTH',
      default: String(DEFAULT_INPUT_LIMITS.maxIdLength),
      meaning: 'longest id or text field of a transaction or label, in characters; longer: dead letter',
    },
    'max-amount-minor': {
      value: 'N',
      env: 'MAX_AMOUNT_MINOR',
      default: String(DEFAULT_INPUT_LIMITS.maxAmountMinor),
      meaning: 'largest amount in minor units; larger: dead letter',
    },
    'event-time-min': {
      value: 'TIME',
      env: 'EVENT_TIME_MIN',
      default: new Date(DEFAULT_INPUT_LIMITS.eventTimeMin).toISOString(),
      meaning: 'earliest event time (ISO 8601 or epoch ms); earlier: dead letter',
    },
    'max-future-ms': {
      value: 'MS',
      env: 'MAX_FUTURE_MS',
      default: String(DEFAULT_INPUT_LIMITS.maxFutureMs),
      meaning: 'how far past now an event time may lie; later: dead letter',
    },
    'label-max-skew-ms': {
      value: 'MS',
      env: 'LABEL_MAX_SKEW_MS',
      default: String(DEFAULT_INPUT_LIMITS.labelMaxSkewMs),
      meaning: "how far past now a label's reportedAt may lie; later: dead letter",
    },
    'max-message-bytes': {
      value: 'N',
      env: 'MAX_MESSAGE_BYTES',
      default: String(DEFAULT_OUTPUT_LIMITS.maxMessageBytes),
      meaning: "largest record produced (at most the broker's max.message.bytes); larger dead letters are cut",
    },
  },
} as const satisfies CommandSpec<FlagTable>;

/**
 * The scorer's whole configuration, from flags (`--http-port 8080` or `--http-port=8080`) over environment
 * variables over defaults; validated, frozen. The only place that reads `process.env` and `argv`. A bad flag or
 * variable throws `FlagError` (BAD_FLAG), `--help` throws `HelpRequested`.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): ScorerConfig {
  const flags = parseFlags(COMMAND, argv, env);
  const str = (name: Flag): string => flags.text(name);
  const probability = (name: Flag): number | null => (str(name) === '' ? null : flags.number(name, 0, 1));
  const review = probability('review-threshold');
  const decline = probability('decline-threshold');
  if (review !== null && decline !== null && decline < review) {
    flags.fail('decline-threshold', `at least the review threshold ${review}`);
  }
  const amountLimit = str('amount-limit') === '' ? Infinity : Number(str('amount-limit'));
  if (!(amountLimit > 0)) flags.fail('amount-limit', 'a positive amount in major units');

  const tls = flags.oneOf('kafka-tls', ['true', 'false'] as const) === 'true';
  const mechanism = flags.oneOf('kafka-sasl-mechanism', ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const);
  let sasl: ScorerConfig['sasl'] = null;
  if (mechanism !== 'none') {
    const username = str('kafka-sasl-username');
    const password = str('kafka-sasl-password');
    if (username === '') flags.fail('kafka-sasl-username', `a user name for SASL ${mechanism}`);
    if (password === '') flags.fail('kafka-sasl-password', `a password for SASL ${mechanism}`);
    sasl = Object.freeze({ mechanism, username, password });
  }

  const adminToken = flags.optional('admin-token') ?? null;
  // A guessable token is no lock: at least 16 characters.
  if (adminToken !== null && adminToken.length < 16) flags.fail('admin-token', 'at least 16 characters');
  const groupId = flags.kafkaName('group-id');
  const topics = {
    transactions: flags.kafkaName('topic-transactions'),
    labels: flags.kafkaName('topic-labels'),
    decisions: flags.kafkaName('topic-decisions'),
    deadLetters: flags.kafkaName('topic-dlq'),
    terminalCounts: flags.kafkaName('topic-terminal-counts'),
    cardState: str('topic-card-state') === '' ? `${groupId}-card-state-changelog` : flags.kafkaName('topic-card-state'),
  };
  const givenInstanceId = str('instance-id') === '' ? undefined : flags.kafkaName('instance-id');
  const eventTimeRaw = str('event-time-min');
  const eventTimeMin = /^\d+$/.test(eventTimeRaw) ? Number(eventTimeRaw) : Date.parse(eventTimeRaw);
  if (!(eventTimeMin >= 0 && eventTimeMin < Date.now())) {
    flags.fail('event-time-min', 'an ISO 8601 time or epoch milliseconds, from 1970 to now');
  }
  const DAY_MS = 86_400_000;
  const limits: InputLimits = Object.freeze({
    maxIdLength: flags.int('max-id-length', 1, 4096),
    maxAmountMinor: flags.int('max-amount-minor', 1, Number.MAX_SAFE_INTEGER),
    eventTimeMin,
    maxFutureMs: flags.int('max-future-ms', 0, 366 * DAY_MS),
    labelMaxSkewMs: flags.int('label-max-skew-ms', 0, 366 * DAY_MS),
  });
  const output: OutputLimits = Object.freeze({
    ...DEFAULT_OUTPUT_LIMITS,
    // At least 64 KiB: room for the bounded key and headers of a dead letter, and any decision of bounded ids.
    maxMessageBytes: flags.int('max-message-bytes', 65_536, 100_000_000),
    // The key of a record whose card id is within the bound is never cut.
    maxKeyBytes: Math.max(DEFAULT_OUTPUT_LIMITS.maxKeyBytes, maxUtf8Bytes(limits.maxIdLength)),
  });
  return Object.freeze({
    brokers: Object.freeze(flags.brokers('brokers')),
    tls: tls ? Object.freeze({ caFile: str('kafka-tls-ca-file') || null }) : false,
    sasl,
    clientId: flags.kafkaName('client-id'),
    groupId,
    instanceId: givenInstanceId ?? `${groupId}-${process.pid}-${Date.now().toString(36)}`,
    groupInstanceId: givenInstanceId,
    delivery: flags.oneOf('delivery', ['exactly-once', 'at-least-once'] as const),
    transaction: Object.freeze({
      intervalMs: flags.int('transaction-interval-ms', 1, 10_000),
      maxRecords: flags.int('transaction-max-records', 1, 1_000_000),
    }),
    topics: Object.freeze(topics),
    replicationFactor: str('topic-replication-factor') === '-1' ? -1 : flags.int('topic-replication-factor', 1, 32),
    modelPath: resolve(str('model')),
    challengerModelPath: str('challenger-model') === '' ? null : resolve(str('challenger-model')),
    challengerBudgetUs: flags.int('challenger-budget-us', 1, 60_000_000),
    admin: Object.freeze({
      token: adminToken,
      remote: flags.oneOf('admin-remote', ['true', 'false'] as const) === 'true',
    }),
    featureSpecPath: resolve(str('feature-spec')),
    quality: Object.freeze({
      windowMs: flags.int('quality-window-ms', 60_000, 366 * DAY_MS),
      labelDelayMs: flags.int('quality-label-delay-ms', 0, 366 * DAY_MS),
      maxDecisions: flags.int('quality-max-decisions', 1, 10_000_000),
      intervalMs: flags.int('quality-interval-ms', 100, 3_600_000),
    }),
    explain: Object.freeze({
      top: flags.int('explain-top', 0, 64),
      approvals: flags.oneOf('explain-approvals', ['true', 'false'] as const) === 'true',
    }),
    drift: Object.freeze({
      windowRows: flags.int('drift-window-rows', 1, 1_000_000),
      minRows: flags.int('drift-min-rows', 1, 1_000_000),
    }),
    batchMaxRows: flags.int('batch-max-rows', 1, 4096),
    batchMaxWaitMs: flags.int('batch-max-wait-ms', 0, 1000),
    deadlineMs: flags.int('deadline-ms', 1, 600_000),
    degradedMode: flags.oneOf('degraded-mode', ['fail-open', 'fail-closed'] as const),
    thresholds: Object.freeze({ review, decline }),
    amountLimit,
    reportedCardAction: flags.oneOf('reported-card-action', ['APPROVE', 'REVIEW', 'DECLINE'] as const),
    http: Object.freeze({ host: str('http-host'), port: flags.int('http-port', 0, 65535) }),
    metricsIntervalMs: flags.int('metrics-interval-ms', 100, 3_600_000),
    shutdownGraceMs: flags.int('shutdown-grace-ms', 100, 600_000),
    deliveryTimeoutMs: flags.int('delivery-timeout-ms', 1_000, 3_600_000),
    logLevel: flags.oneOf('log-level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    limits,
    output,
  });
}

type Flag = keyof typeof COMMAND.flags;

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
