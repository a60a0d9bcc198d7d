import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, HelpRequested, helpText, parseFlags } from '../src/flags.ts';
import type { CommandSpec, FlagTable } from '../src/flags.ts';

const command = {
  usage: 'demo-cli [flags]',
  notes: 'Exit code 2 on a bad flag.',
  flags: {
    rate: { value: 'N', env: 'DEMO_RATE', default: '500', meaning: 'per second', group: 'load' },
    wait: { value: '10s', default: '10s', meaning: 'how long to wait', group: 'load' },
    brokers: { value: 'H:P,...', env: 'KAFKA_BROKERS', default: '127.0.0.1:19092', meaning: 'bootstrap servers' },
    password: { value: 'TEXT', env: 'DEMO_PASSWORD', meaning: 'a secret', secret: true },
    'keep-topics': { meaning: 'keep the topics' },
  },
} as const satisfies CommandSpec<FlagTable>;

const parse = (argv: string[], env: Record<string, string> = {}) => parseFlags(command, argv, env);

test('a flag wins over its variable, which wins over the default; an empty variable counts as unset', () => {
  assert.equal(parse([]).int('rate', 1, 1000), 500);
  assert.equal(parse([], { DEMO_RATE: '700' }).int('rate', 1, 1000), 700);
  assert.equal(parse(['--rate', '900'], { DEMO_RATE: '700' }).int('rate', 1, 1000), 900);
  assert.equal(parse(['--rate=800']).int('rate', 1, 1000), 800);
  assert.equal(parse([], { DEMO_RATE: '' }).int('rate', 1, 1000), 500);
  assert.equal(parse([]).optional('password'), undefined);
});

test('switches take no value and default to off', () => {
  assert.equal(parse([]).switch('keep-topics'), false);
  assert.equal(parse(['--keep-topics']).switch('keep-topics'), true);
  assert.throws(() => parse(['--keep-topics=yes']), FlagError);
});

test('unknown flags, missing values, repeats and stray arguments are FlagErrors with code BAD_FLAG', () => {
  for (const argv of [['--nope', '1'], ['--rate'], ['--rate', '1', '--rate', '2'], ['stray'], ['--rate', '--wait']]) {
    assert.throws(
      () => parse(argv),
      (error: unknown) => error instanceof FlagError && error.code === 'BAD_FLAG',
      argv.join(' '),
    );
  }
});

test('a bad value names the flag, and its variable when the value came from there', () => {
  assert.throws(
    () => parse(['--rate', 'x']).int('rate', 1, 10),
    /^FlagError: --rate = 'x' is invalid: expected a whole/,
  );
  assert.throws(() => parse([], { DEMO_RATE: '0' }).int('rate', 1, 10), /--rate \/ DEMO_RATE = '0' is invalid/);
  assert.throws(() => parse(['--brokers', 'a:1,b']).brokers('brokers'), /expected host:port/);
});

test('a secret value is never echoed, not even when it is invalid', () => {
  const flags = parse([], { DEMO_PASSWORD: 'hunter2' });
  assert.throws(
    () => flags.fail('password', 'something else'),
    (error: unknown) => error instanceof FlagError && !error.message.includes('hunter2'),
  );
});

test('durations take ms, s, m and h, a bare number in seconds, within the bounds given', () => {
  assert.equal(parse([]).duration('wait', 0, 60_000), 10_000);
  assert.equal(parse(['--wait', '500ms']).duration('wait', 0, 60_000), 500);
  assert.equal(parse(['--wait', '2m']).duration('wait', 0, 600_000), 120_000);
  assert.equal(parse(['--wait', '1.5']).duration('wait', 0, 60_000), 1500);
  assert.throws(() => parse(['--wait', '2h']).duration('wait', 0, 60_000), /from 0ms to 1m/);
  assert.throws(() => parse(['--wait', 'soon']).duration('wait', 0, 60_000), FlagError);
});

test('--help and -h throw HelpRequested with a line per flag of the table, in groups, with the notes', () => {
  for (const flag of ['--help', '-h']) {
    assert.throws(
      () => parse(['--rate', '1', flag]),
      (error: unknown) => error instanceof HelpRequested && error.text === helpText(command),
    );
  }
  const text = helpText(command);
  assert.match(text, /^usage: demo-cli \[flags\]\n/);
  assert.match(text, /\nload:\n {2}--rate N +DEMO_RATE +500 +per second\n/);
  assert.match(text, /\n {2}--keep-topics +- +- +keep the topics\n/);
  assert.match(text, /\nExit code 2 on a bad flag.\n$/);
  // Defaults only, never a value from the environment.
  assert.doesNotMatch(text, /hunter2/);
});

test('positional arguments are refused unless the command allows them, and counted', () => {
  const withOne = { ...command, positionals: { min: 1, max: 1 } };
  assert.deepEqual(parseFlags(withOne, ['churn', '--rate', '3']).positionals, ['churn']);
  assert.throws(() => parseFlags(withOne, []), /expected 1 argument, got 0/);
  assert.throws(() => parse(['churn']), /Unexpected argument 'churn'/);
});
