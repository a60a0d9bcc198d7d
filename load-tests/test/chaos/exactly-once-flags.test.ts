import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, HelpRequested, helpText } from '../../../services/cli/src/flags.ts';
import { EXACTLY_ONCE_COMMAND, parseExactlyOnceFlags } from '../../src/chaos/exactly-once-flags.ts';

test('without flags the exactly-once scenario is the full bar: 200,000 transactions, 3 scorers, 20 kills, a broker and a rolling restart, a freeze', () => {
  assert.deepEqual(parseExactlyOnceFlags([]), {
    transactions: 200_000,
    rate: 1000,
    scorers: 3,
    kills: 20,
    brokerRestarts: 1,
    rolling: true,
    freezes: 1,
    delivery: 'exactly-once',
    partitions: 6,
    seed: 42,
  });
});

test('every flag is read, in both spellings', () => {
  const flags = parseExactlyOnceFlags([
    '--transactions',
    '30000',
    '--rate=400',
    '--scorers',
    '2',
    '--kills',
    '0',
    '--broker-restarts',
    '0',
    '--rolling',
    'false',
    '--freezes=2',
    '--delivery',
    'at-least-once',
    '--partitions',
    '3',
    '--seed',
    '7',
  ]);
  assert.deepEqual(flags, {
    transactions: 30_000,
    rate: 400,
    scorers: 2,
    kills: 0,
    brokerRestarts: 0,
    rolling: false,
    freezes: 2,
    delivery: 'at-least-once',
    partitions: 3,
    seed: 7,
  });
});

test('a bad or unknown flag is a FlagError (BAD_FLAG) naming it', () => {
  for (const [argv, pattern] of [
    [['--transactions', '0'], /^--transactions = '0' is invalid: expected a whole number of at least 1/],
    [['--rate', '1.5'], /^--rate = '1.5' is invalid/],
    [['--kills', '-1'], /--kills/],
    [['--scorers', 'three'], /^--scorers = 'three' is invalid/],
    [['--seed', ''], /^--seed = '' is invalid/],
    [['--rolling', 'yes'], /^--rolling = 'yes' is invalid: expected true \| false$/],
    [['--delivery', 'twice'], /^--delivery = 'twice' is invalid: expected exactly-once \| at-least-once$/],
    [['--changes', '3'], /'--changes'/],
    [['--seed', '1', '--seed', '2'], /^--seed is given twice$/],
    [['churn'], /'churn'/],
  ] as const) {
    assert.throws(
      () => parseExactlyOnceFlags(argv),
      (error: unknown) => error instanceof FlagError && error.code === 'BAD_FLAG' && pattern.test(error.message),
      argv.join(' '),
    );
  }
});

test('with KAFKA_BROKERS set the broker cannot be killed: --broker-restarts must be 0', () => {
  assert.throws(
    () => parseExactlyOnceFlags([], { KAFKA_BROKERS: 'kafka:9092' }),
    (error: unknown) => error instanceof FlagError && /^--broker-restarts = '1' is invalid/.test(error.message),
  );
  assert.equal(parseExactlyOnceFlags(['--broker-restarts', '0'], { KAFKA_BROKERS: 'kafka:9092' }).brokerRestarts, 0);
});

test('--help and -h ask for the generated usage, one line per flag with its default', () => {
  for (const flag of ['--help', '-h']) {
    assert.throws(
      () => parseExactlyOnceFlags(['--kills', '3', flag]),
      (error: unknown) => error instanceof HelpRequested && error.text === helpText(EXACTLY_ONCE_COMMAND),
    );
  }
  const text = helpText(EXACTLY_ONCE_COMMAND);
  assert.match(text, /^usage: npm run chaos -- exactly-once \[flags\]\n/);
  assert.match(text, /\n {2}--broker-restarts N +1 +SIGKILLs of the broker/);
  assert.match(text, /\n {2}--delivery MODE +exactly-once +exactly-once \| at-least-once/);
});
