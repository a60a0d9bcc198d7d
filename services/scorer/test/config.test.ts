import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, HelpRequested } from '../../cli/src/flags.ts';
import { loadConfig, policyConfigOf } from '../src/config.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS } from '../src/core/limits.ts';
import { ScorerError } from '../src/errors.ts';

test('defaults give a loopback dashboard, the local broker and the standard topic names', () => {
  const config = loadConfig({}, []);
  assert.deepEqual(config.brokers, ['127.0.0.1:19092']);
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.topics.transactions, 'transactions');
  assert.equal(config.topics.deadLetters, 'transactions.dlq');
  assert.equal(config.batchMaxRows, 64);
  assert.equal(config.replicationFactor, 3, 'production clusters replicate');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.topics));
});

test('flags win over the environment, which wins over defaults', () => {
  const config = loadConfig({ HTTP_PORT: '9000', BATCH_MAX_ROWS: '32' }, ['--http-port', '9100', '--deadline-ms=250']);
  assert.equal(config.http.port, 9100);
  assert.equal(config.batchMaxRows, 32);
  assert.equal(config.deadlineMs, 250);
});

for (const [env, argv, named] of [
  [{ BATCH_MAX_ROWS: '0' }, [], /--batch-max-rows \/ BATCH_MAX_ROWS = '0'/],
  [{ HTTP_PORT: '80' }, ['--http-port', '8o80'], /^--http-port = '8o80'/],
  [{ DEGRADED_MODE: 'maybe' }, [], /DEGRADED_MODE = 'maybe'.*fail-open \| fail-closed/],
  [{ KAFKA_BROKERS: 'localhost' }, [], /KAFKA_BROKERS = 'localhost'/],
  [{}, ['--colour', 'red'], /Unknown option '--colour'/],
  [{}, ['--model'], /'--model <value>' argument missing/],
  [{}, ['--deadline-ms', '5', '--deadline-ms', '6'], /--deadline-ms is given twice/],
  [{ TOPIC_REPLICATION_FACTOR: '0' }, [], /TOPIC_REPLICATION_FACTOR = '0'/],
] as const) {
  test(`a bad setting stops start-up with a message naming it (${String(named)})`, () => {
    assert.throws(
      () => loadConfig(env, argv),
      (e: unknown) => e instanceof FlagError && e.code === 'BAD_FLAG' && named.test(e.message),
    );
  });
}

test('SASL needs a user name and a password, and never puts the password in an error', () => {
  assert.throws(
    () => loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'scorer' }, []),
    /KAFKA_SASL_PASSWORD is invalid: expected a password for SASL scram-sha-512/,
  );
  const config = loadConfig(
    {
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'scorer',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_TLS: 'true',
    },
    [],
  );
  assert.deepEqual(config.sasl, { mechanism: 'scram-sha-256', username: 'scorer', password: 's3cret' });
  assert.deepEqual(config.tls, { caFile: null });
  assert.throws(() => loadConfig({ KAFKA_SASL_MECHANISM: 'kerberos' }, []), /KAFKA_SASL_MECHANISM = 'kerberos'/);
});

test('threshold overrides are probabilities with DECLINE at or above REVIEW; the amount limit is optional', () => {
  const defaults = loadConfig({}, []);
  assert.deepEqual(defaults.thresholds, { review: null, decline: null });
  assert.equal(defaults.amountLimit, Infinity);
  const set = loadConfig({ REVIEW_THRESHOLD: '0.3', DECLINE_THRESHOLD: '0.8', AMOUNT_LIMIT: '5000' }, []);
  assert.deepEqual(set.thresholds, { review: 0.3, decline: 0.8 });
  assert.equal(set.amountLimit, 5000);
  assert.throws(() => loadConfig({ REVIEW_THRESHOLD: '1.5' }, []), /REVIEW_THRESHOLD = '1.5'/);
  assert.throws(() => loadConfig({ REVIEW_THRESHOLD: '0.6', DECLINE_THRESHOLD: '0.5' }, []), /DECLINE_THRESHOLD/);
  assert.throws(() => loadConfig({ AMOUNT_LIMIT: '-1' }, []), /AMOUNT_LIMIT = '-1'/);
});

test('input and output limits default to the core defaults, under the broker default message size', () => {
  const config = loadConfig({}, []);
  assert.deepEqual(config.limits, DEFAULT_INPUT_LIMITS);
  assert.deepEqual(config.output, DEFAULT_OUTPUT_LIMITS);
  assert.equal(config.limits.maxIdLength, 128);
  assert.equal(config.limits.eventTimeMin, Date.UTC(2000, 0, 1));
  assert.ok(config.output.maxMessageBytes <= 1_048_588, "at most Kafka's default max.message.bytes");
  assert.ok(Object.isFrozen(config.limits) && Object.isFrozen(config.output));
});

test('every limit can be set, and the event-time floor reads ISO 8601 or epoch milliseconds', () => {
  const config = loadConfig(
    {
      MAX_ID_LENGTH: '64',
      MAX_AMOUNT_MINOR: '500000',
      EVENT_TIME_MIN: '2015-06-01',
      MAX_FUTURE_MS: '0',
      LABEL_MAX_SKEW_MS: '60000',
    },
    ['--max-message-bytes', '500000'],
  );
  assert.deepEqual(config.limits, {
    maxIdLength: 64,
    maxAmountMinor: 500_000,
    eventTimeMin: Date.UTC(2015, 5, 1),
    maxFutureMs: 0,
    labelMaxSkewMs: 60_000,
  });
  assert.equal(config.output.maxMessageBytes, 500_000);
  assert.equal(loadConfig({ EVENT_TIME_MIN: '86400000' }, []).limits.eventTimeMin, 86_400_000);
});

test('a card id within the id bound is never cut from a dead letter key', () => {
  assert.equal(loadConfig({ MAX_ID_LENGTH: '4096' }, []).output.maxKeyBytes, 3 * 4096);
  assert.equal(loadConfig({ MAX_ID_LENGTH: '16' }, []).output.maxKeyBytes, DEFAULT_OUTPUT_LIMITS.maxKeyBytes);
});

for (const [env, named] of [
  [{ MAX_ID_LENGTH: '0' }, /MAX_ID_LENGTH = '0'/],
  [{ MAX_ID_LENGTH: '1000000' }, /MAX_ID_LENGTH = '1000000'/],
  [{ MAX_AMOUNT_MINOR: '1e9' }, /MAX_AMOUNT_MINOR = '1e9'/],
  [{ MAX_AMOUNT_MINOR: String(2 ** 62) }, /MAX_AMOUNT_MINOR/],
  [{ EVENT_TIME_MIN: 'yesterday' }, /EVENT_TIME_MIN = 'yesterday'/],
  [{ EVENT_TIME_MIN: '9999-01-01' }, /EVENT_TIME_MIN = '9999-01-01'/],
  [{ MAX_FUTURE_MS: '-1' }, /MAX_FUTURE_MS = '-1'/],
  [{ LABEL_MAX_SKEW_MS: 'a day' }, /LABEL_MAX_SKEW_MS = 'a day'/],
  [{ MAX_MESSAGE_BYTES: '1000' }, /MAX_MESSAGE_BYTES = '1000'.*65536/],
] as const) {
  test(`a bad limit stops start-up with a message naming it (${String(named)})`, () => {
    assert.throws(
      () => loadConfig(env, []),
      (e: unknown) => e instanceof FlagError && e.code === 'BAD_FLAG' && named.test(e.message),
    );
  });
}

test('--help lists every flag with its variable and default, one line each, and never a password', () => {
  let help: unknown;
  try {
    loadConfig({ KAFKA_SASL_PASSWORD: 'hunter2-secret', MAX_ID_LENGTH: '77' }, ['--brokers', 'x:1', '--help']);
  } catch (error) {
    help = error;
  }
  assert.ok(help instanceof HelpRequested, 'a help signal, not a config');
  const lines = help.text.split('\n');
  for (const [flag, variable, fallback] of [
    ['--brokers', 'KAFKA_BROKERS', '127.0.0.1:19092'],
    ['--max-id-length', 'MAX_ID_LENGTH', '128'],
    ['--max-message-bytes', 'MAX_MESSAGE_BYTES', '1000000'],
    ['--event-time-min', 'EVENT_TIME_MIN', '2000-01-01T00:00:00.000Z'],
    ['--label-max-skew-ms', 'LABEL_MAX_SKEW_MS', '86400000'],
    ['--kafka-sasl-password', 'KAFKA_SASL_PASSWORD', '-'],
  ] as const) {
    const line = lines.filter((l) => l.trimStart().startsWith(`${flag} `));
    assert.equal(line.length, 1, `one line for ${flag}`);
    assert.match(line[0]!, new RegExp(`^\\s+${flag} \\S+\\s+${variable}\\s+${fallback.replace(/[.]/g, '\\.')}\\s`));
  }
  assert.ok(!help.text.includes('hunter2'), 'the environment is not printed');
  assert.ok(!help.text.includes(' 77 '), 'defaults are printed, not the values in use');
  assert.throws(() => loadConfig({}, ['-h']), HelpRequested);
});

test("the policy takes the model's thresholds unless configured, and refuses review above decline", () => {
  const model = { review: 0.3, decline: 0.8 };
  const own = policyConfigOf(loadConfig({}, []), model);
  assert.deepEqual(own.thresholds, model);
  assert.equal(own.amountLimit, Infinity);
  const configured = policyConfigOf(loadConfig({ REVIEW_THRESHOLD: '0.5', AMOUNT_LIMIT: '2000' }, []), model);
  assert.deepEqual(configured.thresholds, { review: 0.5, decline: 0.8 });
  assert.equal(configured.amountLimit, 2000);
  assert.throws(
    () => policyConfigOf(loadConfig({ REVIEW_THRESHOLD: '0.9' }, []), model),
    (e: unknown) => e instanceof ScorerError && e.code === 'BAD_CONFIG' && /policy/.test(e.message),
  );
});

test('a given instance id is also the static group membership; a generated one is not', () => {
  const given = loadConfig({ SCORER_INSTANCE_ID: 'scorer-0' }, []);
  assert.equal(given.instanceId, 'scorer-0');
  assert.equal(given.groupInstanceId, 'scorer-0');
  const generated = loadConfig({}, []);
  assert.match(generated.instanceId, /^fraud-scorer-\d+-/);
  assert.equal(generated.groupInstanceId, undefined);
});
