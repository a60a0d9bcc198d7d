import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBenchConfig } from '../src/config.ts';

test('defaults describe the standard benchmark on the embedded broker', () => {
  const c = loadBenchConfig({}, []);
  assert.equal(c.command, 'run');
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

test('a bad flag is one BAD_FLAG error that names it', () => {
  const cases: [string[], RegExp][] = [
    [['--rate', 'fast'], /--rate "fast" must be a number/],
    [['--duration', '0'], /--duration "0" must be a duration/],
    [['--sweep', '1000,500'], /--sweep "1000,500" must be increasing/],
    [['--targets', 'scorer,kafka'], /--targets "scorer,kafka" must list/],
    [['--arrivals', 'bursty'], /must be one of constant, poisson/],
    [['--speed', '2'], /unknown flag --speed/],
    [['--rate'], /--rate needs a value/],
    [['--rate', '1', '--rate', '2'], /is given twice/],
    [['rate'], /unexpected argument "rate"/],
    [['--rate', '200000', '--duration', '60s'], /exceeds 2,000,000 records/],
    [['--mode', 'closed-loop'], /--mode "closed-loop" must be one of all, open-loop, drain/],
    [['--drain-records', '0'], /--drain-records "0" must be a whole number from 1/],
    [['--drain-targets', 'scorer,rdkafka'], /--drain-targets "scorer,rdkafka" must list some of scorer, pass-through/],
    [['--drain-timeout', '0'], /--drain-timeout "0" must be a duration/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => loadBenchConfig({}, argv), { code: 'BAD_FLAG', message }, argv.join(' '));
  }
});

test('--help asks for the usage', () => {
  assert.equal(loadBenchConfig({}, ['--help']).command, 'help');
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
