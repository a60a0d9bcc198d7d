import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { SimError } from '../src/errors.ts';

function badFlag(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => loadConfig({}, argv),
    (error: unknown) => error instanceof SimError && error.code === 'BAD_FLAG' && pattern.test(error.message),
    argv.join(' '),
  );
}

test('defaults reproduce the Handbook world to files for 30 days, frozen', () => {
  const config = loadConfig({}, []);
  assert.equal(config.out, 'file');
  assert.equal(config.customers, 5000);
  assert.equal(config.terminals, 10_000);
  assert.equal(config.planeKm, 100);
  assert.equal(config.days, 30);
  assert.equal(config.startMs, Date.UTC(2018, 3, 1));
  assert.equal(config.labelDelayMs, 7 * 86_400_000);
  assert.equal(config.scenarios.length, 7);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.kafka));
});

test('flags are read in both --flag value and --flag=value forms', () => {
  const config = loadConfig({ KAFKA_BROKERS: 'k1:9092,k2:9092' }, [
    '--out=kafka',
    '--rate',
    '2500',
    '--duration',
    '90s',
    '--scenarios',
    'baseline',
    '--terminals=1000000',
  ]);
  assert.equal(config.out, 'kafka');
  assert.equal(config.kafka.rate, 2500);
  assert.equal(config.durationMs, 90_000);
  assert.equal(config.days, Infinity, 'a Kafka run has no day limit unless asked');
  assert.deepEqual(config.scenarios, ['amount-over-220', 'compromised-terminal', 'compromised-card']);
  assert.deepEqual(config.kafka.brokers, ['k1:9092', 'k2:9092']);
  assert.equal(config.planeKm, 1000, 'the plane grows to keep the Handbook terminal density');
});

test('a scenario list, help and the scenario catalogue are understood', () => {
  assert.deepEqual(loadConfig({}, ['--scenarios', 'card-testing,impossible-travel']).scenarios, [
    'card-testing',
    'impossible-travel',
  ]);
  assert.equal(loadConfig({}, ['--help']).command, 'help');
  assert.equal(loadConfig({}, ['--scenarios', 'list']).command, 'list-scenarios');
});

test('a bad flag stops with a message naming the flag', () => {
  badFlag(['--rate', 'fast'], /--rate "fast" must be a number/);
  badFlag(['--seed', '-1'], /--seed "-1" must be a whole number from 0/);
  badFlag(['--seed', '1.5'], /--seed "1.5" must be a whole number/);
  badFlag(['--out', 'printer'], /--out "printer" must be one of file, kafka, null/);
  badFlag(['--duration', '10 minutes'], /--duration "10 minutes" must be a duration/);
  badFlag(['--start', '2018-02-30'], /--start "2018-02-30" must be a date/);
  badFlag(['--scenarios', 'card-testing,teleport'], /unknown scenario "teleport"/);
  badFlag(['--brokers', 'localhost'], /--brokers "localhost" must be host:port/);
  badFlag(['--topic', 'a topic'], /--topic "a topic" is not a valid Kafka topic name/);
  badFlag(['--colour', 'red'], /unknown flag --colour/);
  badFlag(['--days'], /--days needs a value/);
  badFlag(['--days', '3', '--days', '4'], /--days "4" is given twice/);
  badFlag(['--speed', '60', '--rate', '100'], /--speed "60" cannot be combined with --rate/);
  badFlag(['stray'], /unexpected argument "stray"/);
});
