import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { FlagError, HelpRequested, helpText } from '../../services/cli/src/flags.ts';
import { BENCH_COMMAND, loadBenchConfig } from '../src/config.ts';

test('defaults describe the standard benchmark on the embedded broker', () => {
  const c = loadBenchConfig({}, []);
  assert.equal(c.brokers, undefined);
  assert.deepEqual(c.fixed, { rate: 500, warmupMs: 10_000, measureMs: 20_000 });
  assert.deepEqual(c.sweep.rates, [250, 500, 1000, 2000, 4000, 8000]);
  assert.deepEqual(c.targets, ['scorer', 'pass-through']);
  assert.equal(c.budgetMs, 50);
  assert.equal(c.arrivals, 'constant');
  assert.equal(c.keepTopics, false);
  assert.equal(c.mode, 'all');
  assert.deepEqual(c.drainBench, {
    records: 300_000,
    timeoutMs: 600_000,
    targets: ['scorer', 'pass-through', 'pass-through-kafkajs'],
    compareNode: undefined,
  });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.sweep.rates) && Object.isFrozen(c.drainBench.targets));
});

test('drain mode takes its backlog size, its targets in the standard order, a timeout and another Node', () => {
  const c = loadBenchConfig({}, [
    '--mode',
    'drain',
    '--drain-records',
    '2_000',
    '--drain-targets',
    'pass-through-kafkajs,scorer',
    '--drain-timeout=90s',
    '--compare-node',
    '/opt/node20/bin/node',
  ]);
  assert.equal(c.mode, 'drain');
  assert.deepEqual(c.drainBench, {
    records: 2_000,
    timeoutMs: 90_000,
    targets: ['scorer', 'pass-through-kafkajs'],
    compareNode: '/opt/node20/bin/node',
  });
});

test('flags override the defaults, in both --flag value and --flag=value forms', () => {
  const c = loadBenchConfig({ KAFKA_BROKERS: '127.0.0.1:9999' }, [
    '--rate=250',
    '--duration',
    '1m',
    '--warmup',
    '0',
    '--sweep',
    '100,200',
    '--step-duration=500ms',
    '--arrivals',
    'poisson',
    '--targets',
    'pass-through',
    '--keep-topics',
  ]);
  assert.deepEqual(c.brokers, ['127.0.0.1:9999']);
  assert.deepEqual(c.fixed, { rate: 250, warmupMs: 0, measureMs: 60_000 });
  assert.deepEqual(c.sweep, { rates: [100, 200], warmupMs: 2_000, measureMs: 500 });
  assert.deepEqual(c.targets, ['pass-through']);
  assert.equal(c.arrivals, 'poisson');
  assert.equal(c.keepTopics, true);
  assert.deepEqual(loadBenchConfig({}, ['--sweep', 'none']).sweep.rates, []);
});

test('a bad flag or variable is one FlagError (BAD_FLAG) that names it', () => {
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [['--rate', 'fast'], /^--rate = 'fast' is invalid: expected a number from 1 to 1000000/],
    [['--rate', '0'], /^--rate = '0' is invalid/],
    [['--duration', '0'], /^--duration = '0' is invalid: expected a duration .* from 1ms to 1h/],
    [['--duration', '61m'], /^--duration = '61m' is invalid/],
    [['--warmup', 'soon'], /^--warmup = 'soon' is invalid: expected a duration .* from 0ms to 1h/],
    [['--step-duration', '0'], /^--step-duration = '0' is invalid/],
    [['--step-warmup', '-1s'], /--step-warmup/],
    [['--drain', '2h'], /^--drain = '2h' is invalid/],
    [['--sweep', '1000,500'], /^--sweep = '1000,500' is invalid: expected increasing rates/],
    [['--sweep', '100,fast'], /^--sweep = '100,fast' is invalid: expected 'none' or rates from 1 to 1000000/],
    [['--sweep', '100,,200'], /^--sweep = '100,,200' is invalid: expected a comma-separated list/],
    [['--targets', 'scorer,kafka'], /^--targets = 'scorer,kafka' is invalid: expected some of scorer, pass-through/],
    [['--budget-ms', '0'], /^--budget-ms = '0' is invalid: expected a number from 0.001 to 60000/],
    [['--arrivals', 'bursty'], /^--arrivals = 'bursty' is invalid: expected constant \| poisson/],
    [['--seed', '4294967296'], /^--seed = '4294967296' is invalid: expected a whole number from 0 to 4294967295/],
    [['--e2e-messages', '1.5'], /^--e2e-messages = '1.5' is invalid: expected a whole number/],
    [['--partitions', '1001'], /^--partitions = '1001' is invalid: expected a whole number from 1 to 1000/],
    [['--max-in-flight', '0'], /^--max-in-flight = '0' is invalid/],
    [['--max-batch', '10001'], /^--max-batch = '10001' is invalid/],
    [['--brokers', 'localhost'], /^--brokers = 'localhost' is invalid: expected host:port/],
    [[], /^--brokers \/ KAFKA_BROKERS = 'k1' is invalid: expected host:port/, { KAFKA_BROKERS: 'k1' }],
    [['--speed', '2'], /--speed/],
    [['--rate'], /--rate/],
    [['--keep-topics=yes'], /--keep-topics/],
    [['--rate', '1', '--rate', '2'], /^--rate is given twice/],
    [['rate'], /argument 'rate'/],
    [
      ['--rate', '200000', '--duration', '60s'],
      /^--rate 200000 times --warmup \+ --duration exceeds 2,000,000 records/,
    ],
    [['--sweep', '100000,300000'], /^--sweep 300000 times --step-warmup \+ --step-duration exceeds 2,000,000 records/],
    [['--mode', 'closed-loop'], /^--mode = 'closed-loop' is invalid: expected all \| open-loop \| drain \| delivery/],
    [['--drain-records', '0'], /^--drain-records = '0' is invalid: expected a whole number from 1 to 10000000/],
    [
      ['--drain-targets', 'scorer,rdkafka'],
      /^--drain-targets = 'scorer,rdkafka' is invalid: expected some of scorer, pass-through, pass-through-kafkajs/,
    ],
    [['--drain-timeout', '0'], /^--drain-timeout = '0' is invalid: expected a duration/],
  ];
  for (const [argv, message, env = {}] of cases) {
    assert.throws(
      () => loadBenchConfig(env, argv),
      (error: unknown) => error instanceof FlagError && error.code === 'BAD_FLAG' && message.test(error.message),
      argv.join(' '),
    );
  }
});

test('an empty KAFKA_BROKERS means the embedded broker; --out is relative to the current directory', () => {
  assert.equal(loadBenchConfig({ KAFKA_BROKERS: '' }, []).brokers, undefined);
  assert.deepEqual(loadBenchConfig({ KAFKA_BROKERS: 'k1:1' }, ['--brokers', 'k2:2,k3:3']).brokers, ['k2:2', 'k3:3']);
  assert.equal(loadBenchConfig({}, ['--out', 'somewhere']).outDir, resolve('somewhere'));
  assert.match(loadBenchConfig({}, []).outDir, /\/load-tests\/results$/);
});

test('--help lists every flag of the table, in its section', () => {
  assert.throws(
    () => loadBenchConfig({}, ['--help']),
    (error: unknown) => error instanceof HelpRequested && error.text === helpText(BENCH_COMMAND),
  );
  const text = helpText(BENCH_COMMAND);
  const lines = text.split('\n');
  assert.match(text, /^usage: tsx load-tests\/src\/bench\.ts /);
  for (const [name, spec] of Object.entries(BENCH_COMMAND.flags)) {
    const at = lines.findIndex((l) => l.startsWith(`  --${name} `));
    assert.ok(at >= 0, `--${name} is in --help`);
    assert.ok(lines[at]!.includes(spec.meaning), `--${name}: ${spec.meaning}`);
    const group = 'group' in spec ? spec.group : undefined;
    const heading = lines.slice(0, at).findLast((l) => /^\S+:$/.test(l));
    assert.equal(heading, group === undefined ? undefined : `${group}:`, `--${name} is under ${group ?? 'no heading'}`);
  }
  for (const group of ['open-loop', 'drain', 'both']) assert.ok(lines.includes(`${group}:`), group);
  assert.match(text, /\n {2}--brokers H:P,\.\.\. +KAFKA_BROKERS +- +use these brokers/);
});

test('delivery mode takes the drain backlog and the fixed-rate run', () => {
  const c = loadBenchConfig({}, [
    '--mode',
    'delivery',
    '--drain-records',
    '50000',
    '--rate',
    '1000',
    '--duration',
    '15s',
  ]);
  assert.equal(c.mode, 'delivery');
  assert.equal(c.drainBench.records, 50_000);
  assert.deepEqual(c.fixed, { rate: 1000, warmupMs: 10_000, measureMs: 15_000 });
});
