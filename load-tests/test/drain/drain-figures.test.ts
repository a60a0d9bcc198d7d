import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDrains, drainComparisons, drainResult } from '../../src/drain/drain-figures.ts';
import { measurement } from './drain-measurement.ts';

test('the drain rate counts the outputs after the first over first → last output; CPU is per backlog record', () => {
  const r = drainResult(measurement());
  assert.equal(r.recordsPerSecond, 5_000, '10,000 outputs after the first in 2 s');
  assert.equal(r.cpuUsPerRecord, 500_000 / 10_001);
  assert.ok(Math.abs(r.cores - 0.5 / 2.05) < 1e-12, `${r.cores} cores`);
});

test('outputs within one millisecond have no rate rather than an infinite one', () => {
  const r = drainResult(measurement({ records: 1, outputs: 1, lastOutputMs: 1_000_000 }));
  assert.equal(r.recordsPerSecond, undefined);
  assert.throws(() => drainResult(measurement({ records: 0 })), /at least one record/);
});

test('a comparison divides the rates and takes the CPU per record of b from that of a', () => {
  const scorer = drainResult(measurement({ label: 'scorer', target: 'scorer', records: 1_001, cpuUs: 90_000 }));
  const pass = drainResult(
    measurement({ records: 1_001, lastOutputMs: 1_000_500, cpuUs: 30_000, firstOutputMs: 1_000_000 }),
  );
  // scorer: 1,000 in 2 s = 500/s, 89.9 µs; pass-through: 1,000 in 0.5 s = 2,000/s, 29.97 µs.
  const c = compareDrains(scorer, pass, 'scoring');
  assert.equal(c.rateRatio, 0.25);
  assert.ok(Math.abs(c.cpuUsPerRecordDelta - 60_000 / 1_001) < 1e-9);
  assert.equal(c.cpuRatio, 3);
  assert.deepEqual([c.a, c.b, c.what], ['scorer', 'pass-through', 'scoring']);
});

test('a run compares scoring, the client and, with another Node, the runtime; only pairs it has', () => {
  const scorer = drainResult(measurement({ label: 'scorer', target: 'scorer' }));
  const platformatic = drainResult(measurement());
  const kafkajs = drainResult(measurement({ label: 'pass-through-kafkajs', target: 'pass-through-kafkajs' }));
  const node20 = drainResult(
    measurement({
      label: 'pass-through-kafkajs-node20',
      target: 'pass-through-kafkajs',
      node: 'v20.1.0',
      onCompareNode: true,
    }),
  );
  const pairs = (results: Parameters<typeof drainComparisons>[0]) =>
    drainComparisons(results).map((c) => `${c.a} vs ${c.b}`);
  assert.deepEqual(pairs([scorer, platformatic, kafkajs, node20]), [
    'scorer vs pass-through',
    'scorer vs pass-through-kafkajs',
    'pass-through vs pass-through-kafkajs',
    'pass-through-kafkajs vs pass-through-kafkajs-node20',
  ]);
  assert.deepEqual(pairs([scorer, kafkajs]), ['scorer vs pass-through-kafkajs']);
  assert.deepEqual(pairs([platformatic, node20]), [], 'no kafkajs pass-through on the run’s Node to set it against');
  assert.deepEqual(pairs([scorer]), []);
  assert.match(drainComparisons([kafkajs, node20])[0]!.what, /node v24\.0\.0 vs v20\.1\.0/);
});
