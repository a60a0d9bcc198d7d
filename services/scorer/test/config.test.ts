import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { ScorerError } from '../src/errors.ts';

test('defaults give a loopback dashboard, the local broker and the standard topic names', () => {
  const config = loadConfig({}, []);
  assert.deepEqual(config.brokers, ['127.0.0.1:19092']);
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.topics.transactions, 'transactions');
  assert.equal(config.topics.deadLetters, 'transactions.dlq');
  assert.equal(config.batchMaxRows, 64);
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
  [{}, ['--http-port', '8o80'], /--http-port \/ HTTP_PORT = '8o80'/],
  [{ DEGRADED_MODE: 'maybe' }, [], /DEGRADED_MODE = 'maybe'.*fail-open \| fail-closed/],
  [{ KAFKA_BROKERS: 'localhost' }, [], /KAFKA_BROKERS = 'localhost'/],
  [{}, ['--colour', 'red'], /unknown option '--colour'/],
  [{}, ['--model'], /option --model needs a value/],
] as const) {
  test(`a bad setting stops start-up with a message naming it (${String(named)})`, () => {
    assert.throws(
      () => loadConfig(env, argv),
      (e: unknown) => e instanceof ScorerError && e.code === 'BAD_CONFIG' && named.test(e.message),
    );
  });
}

test('SASL needs a user name and a password, and never puts the password in an error', () => {
  assert.throws(
    () => loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'scorer' }, []),
    /KAFKA_SASL_PASSWORD = ''.*password for SASL scram-sha-512/,
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
