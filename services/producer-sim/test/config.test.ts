import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, HelpRequested, helpText } from '../../cli/src/flags.ts';
import { loadConfig, SIM_COMMAND } from '../src/config.ts';

function badFlag(argv: string[], pattern: RegExp, env: Record<string, string> = {}): void {
  assert.throws(
    () => loadConfig(env, argv),
    (error: unknown) => error instanceof FlagError && error.code === 'BAD_FLAG' && pattern.test(error.message),
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

test('a scenario list and the scenario catalogue are understood', () => {
  assert.deepEqual(loadConfig({}, ['--scenarios', 'card-testing,impossible-travel']).scenarios, [
    'card-testing',
    'impossible-travel',
  ]);
  assert.equal(loadConfig({}, ['--scenarios', 'list']).command, 'list-scenarios');
  assert.equal(loadConfig({}, []).command, 'run');
});

test('the feed context is full by default, and constant or absent on request', () => {
  assert.equal(loadConfig({}, []).context, 'full');
  assert.equal(loadConfig({}, ['--context', 'constant']).context, 'constant');
  assert.equal(loadConfig({}, ['--context=absent']).context, 'absent');
  badFlag(['--context', 'none'], /^--context = 'none' is invalid: expected full \| constant \| absent/);
});

test('the environment sets the brokers and the log level; a flag wins over it', () => {
  const fromEnv = loadConfig({ KAFKA_BROKERS: 'k1:9092', LOG_LEVEL: 'debug' }, []);
  assert.deepEqual(fromEnv.kafka.brokers, ['k1:9092']);
  assert.equal(fromEnv.logLevel, 'debug');
  const fromFlags = loadConfig({ KAFKA_BROKERS: 'k1:9092', LOG_LEVEL: 'debug' }, [
    '--brokers',
    'k2:1',
    '--log-level=warn',
  ]);
  assert.deepEqual(fromFlags.kafka.brokers, ['k2:1']);
  assert.equal(fromFlags.logLevel, 'warn');
  const defaults = loadConfig({}, []);
  assert.deepEqual(defaults.kafka.brokers, ['127.0.0.1:19092']);
  assert.equal(defaults.logLevel, 'info');
  assert.equal(defaults.runId, 's42');
  assert.equal(loadConfig({}, ['--seed', '7']).runId, 's7');
  assert.equal(defaults.kafka.speed, null);
  assert.equal(loadConfig({}, ['--speed', '60']).kafka.speed, 60);
});

test('--help lists every flag of the table, with its variable and default', () => {
  assert.throws(
    () => loadConfig({}, ['--help']),
    (error: unknown) => error instanceof HelpRequested && error.text === helpText(SIM_COMMAND),
  );
  const text = helpText(SIM_COMMAND);
  assert.match(text, /^usage: tsx services\/producer-sim\/src\/main\.ts \[flags\]/);
  for (const [name, spec] of Object.entries(SIM_COMMAND.flags)) {
    const line = text.split('\n').find((l) => l.startsWith(`  --${name} `));
    assert.ok(line !== undefined, `--${name} is in --help`);
    assert.ok(line.includes(spec.meaning), `--${name}: ${spec.meaning}`);
  }
  assert.match(text, /\n {2}--brokers H:P,H:P +KAFKA_BROKERS +127\.0\.0\.1:19092 +Kafka brokers\n/);
  assert.match(text, /\n {2}--log-level LEVEL +LOG_LEVEL +info +pino level/);
});

test('a bad flag or variable is a FlagError naming it', () => {
  badFlag(['--rate', 'fast'], /^--rate = 'fast' is invalid: expected a number of at least 0\.001/);
  badFlag(['--rate', '0'], /^--rate = '0' is invalid/);
  badFlag(['--seed', '4294967296'], /^--seed = '4294967296' is invalid: expected a whole number from 0 to 4294967295/);
  badFlag(['--seed=-1'], /^--seed = '-1' is invalid: expected a whole number from 0/);
  badFlag(['--seed', '1.5'], /^--seed = '1\.5' is invalid: expected a whole number/);
  badFlag(['--customers', '0'], /^--customers = '0' is invalid/);
  badFlag(['--partitions', '10001'], /^--partitions = '10001' is invalid: expected a whole number from 1 to 10000/);
  badFlag(['--max-batch', '0'], /^--max-batch = '0' is invalid/);
  badFlag(['--out', 'printer'], /^--out = 'printer' is invalid: expected file \| kafka \| null/);
  badFlag(['--format', 'xml'], /^--format = 'xml' is invalid: expected ndjson \| csv/);
  badFlag(['--arrivals', 'bursty'], /^--arrivals = 'bursty' is invalid: expected constant \| poisson/);
  badFlag(['--duration', '10 minutes'], /^--duration = '10 minutes' is invalid: expected a duration/);
  badFlag(['--report-every', '0'], /^--report-every = '0' is invalid: expected a duration/);
  badFlag(['--start', '2018-02-30'], /^--start = '2018-02-30' is invalid: expected a date YYYY-MM-DD/);
  badFlag(['--scenarios', 'card-testing,teleport'], /^--scenarios = 'card-testing,teleport' .*unknown: teleport/);
  badFlag(['--brokers', 'localhost'], /^--brokers = 'localhost' is invalid: expected host:port/);
  badFlag([], /^--brokers \/ KAFKA_BROKERS = 'localhost' is invalid/, { KAFKA_BROKERS: 'localhost' });
  badFlag([], /^--log-level \/ LOG_LEVEL = 'loud' is invalid: expected fatal \| error/, { LOG_LEVEL: 'loud' });
  badFlag(['--topic', 'a topic'], /^--topic = 'a topic' is invalid: expected a Kafka name/);
  badFlag(['--run-id', 'x'.repeat(65)], /^--run-id = 'x+' is invalid: expected 1-64 letters/);
  badFlag(['--client-id', 'a b'], /^--client-id = 'a b' is invalid/);
  badFlag(['--colour', 'red'], /--colour/);
  badFlag(['--days'], /--days/);
  badFlag(['--days', '--count', '3'], /--days/);
  badFlag(['--days', '3', '--days', '4'], /^--days is given twice/);
  badFlag(['--speed', '60', '--rate', '100'], /^--speed cannot be combined with --rate/);
  badFlag(['--speed', '0'], /^--speed = '0' is invalid/);
  badFlag(['stray'], /argument 'stray'/);
});
