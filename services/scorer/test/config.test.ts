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
