import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HELP, parseExactlyOnceFlags } from '../../src/chaos/exactly-once-flags.ts';

test('without flags the exactly-once scenario is the full bar: 200,000 transactions, 3 scorers, 20 kills, a broker and a rolling restart', () => {
  assert.deepEqual(parseExactlyOnceFlags([]), {
    transactions: 200_000,
    rate: 1000,
    scorers: 3,
    kills: 20,
    brokerRestarts: 1,
    rolling: true,
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
    delivery: 'at-least-once',
    partitions: 3,
    seed: 7,
  });
});

test('a bad or unknown flag is a BAD_FLAG naming it', () => {
  for (const [argv, pattern] of [
    [['--transactions', '0'], /--transactions/],
    [['--rate', '1.5'], /--rate/],
    [['--kills', '-1'], /--kills/],
    [['--rolling', 'yes'], /--rolling/],
    [['--delivery', 'twice'], /--delivery/],
    [['--changes', '3'], /changes/],
  ] as const) {
    assert.throws(
      () => parseExactlyOnceFlags(argv),
      (error: unknown) => (error as { code?: string }).code === 'BAD_FLAG' && pattern.test(String(error)),
      argv.join(' '),
    );
  }
});

test('--help asks for the usage', () => {
  assert.equal(parseExactlyOnceFlags(['--help']), HELP);
});
