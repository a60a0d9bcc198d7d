import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  binOf,
  FeatureDriftMonitor,
  parseDriftReference,
  populationStability,
  PSI_SHARE_FLOOR,
} from '../../../src/core/quality/feature-drift.ts';

const NAMES = ['amount', 'is_night'];
/** amount: bins ≤10, (10, 100], > 100 with 50 / 40 / 10 training rows; is_night: ≤0, (0, 1], > 1. */
const REFERENCE_JSON = JSON.stringify({
  layout: 'bin i: edges[i-1] < x <= edges[i]; bin 0: x <= edges[0]; last: x > edges[-1]',
  rows: 100,
  features: [
    { name: 'amount', edges: [10, 100], counts: [50, 40, 10] },
    { name: 'is_night', edges: [0, 1], counts: [70, 30, 0] },
  ],
});

function rows(values: (readonly [number, number])[]): Float32Array {
  return Float32Array.from(values.flat());
}

test('a value on an edge falls in the bin the edge closes, as numpy searchsorted(side="left") puts it', () => {
  const edges = [0, 1, 10];
  assert.deepEqual(
    [-1, 0, 0.5, 1, 1.0001, 10, 11].map((x) => binOf(edges, x)),
    [0, 0, 1, 1, 2, 2, 3],
  );
  // Edges are float32: 0.1 stored as float32 is above the double 0.1, so the double lands in bin 0.
  const ref = parseDriftReference(
    JSON.stringify({ rows: 2, features: [{ name: 'f', edges: [0.1], counts: [1, 1] }] }),
    ['f'],
  );
  assert.equal(binOf(ref.features[0]!.edges, Math.fround(0.1)), 0);
});

test('NaN (an input the feed did not send) has a bin of its own, after the bin above every edge', () => {
  assert.equal(binOf([0, 1, 10], NaN), 4);
  assert.equal(binOf([5, 0, 1, 10], NaN, 1, 4), 4);
});

test('a reference without missing counts (a model trained before absent context) reads as none missing', () => {
  assert.deepEqual(
    parseDriftReference(REFERENCE_JSON, NAMES).features.map((f) => f.missing),
    [0, 0],
  );
});

test('PSI is Σ (a - e)·ln(a / e) over bin shares, empty bins floored', () => {
  const psi = populationStability([50, 40, 10], 100, [20, 40, 40], 100);
  const expected = (0.2 - 0.5) * Math.log(0.2 / 0.5) + 0 + (0.4 - 0.1) * Math.log(0.4 / 0.1);
  assert.ok(Math.abs(psi - expected) < 1e-12);
  assert.equal(populationStability([50, 40, 10], 100, [5, 4, 1], 10), 0);
  const unseen = populationStability([100, 0], 100, [99, 1], 100);
  const floored = (0.99 - 1) * Math.log(0.99) + (0.01 - PSI_SHARE_FLOOR) * Math.log(0.01 / PSI_SHARE_FLOOR);
  assert.ok(Math.abs(unseen - floored) < 1e-12);
});

test('the reference is refused when its names, edges or counts do not fit the model', () => {
  const doc = JSON.parse(REFERENCE_JSON) as {
    rows: number;
    features: { name: string; edges: number[]; counts: number[] }[];
  };
  const variant = (change: (d: typeof doc) => void): string => {
    const copy = structuredClone(doc);
    change(copy);
    return JSON.stringify(copy);
  };
  assert.equal(parseDriftReference(REFERENCE_JSON, NAMES).features[1]!.name, 'is_night');
  const cases: [string, RegExp][] = [
    [variant((d) => (d.features[1]!.name = 'is_weekend')), /feature #1 is 'is_weekend', the model's is 'is_night'/],
    [variant((d) => d.features.pop()), /holds 1 features, the model has 2/],
    [variant((d) => (d.features[0]!.edges = [100, 10])), /amount: edges are not ascending/],
    [variant((d) => (d.features[0]!.counts = [50, 50])), /amount: counts are not 3 counts/],
    [variant((d) => (d.features[0]!.counts = [50, 40, 11])), /amount: counts and missing do not add up to rows/],
    [variant((d) => Object.assign(d.features[0]!, { missing: 1 })), /amount: counts and missing do not add up/],
    [variant((d) => Object.assign(d.features[0]!, { missing: -1 })), /amount: missing is not a count/],
    [variant((d) => (d.rows = 0)), /rows is not a positive integer/],
  ];
  for (const [json, message] of cases) assert.throws(() => parseDriftReference(json, NAMES), message);
});

test('live rows like the training rows show no drift; a shifted feature comes first', () => {
  const monitor = new FeatureDriftMonitor(2, { windowRows: 100, minRows: 10 });
  monitor.setReference('m1', parseDriftReference(REFERENCE_JSON, NAMES));
  const like: [number, number][] = [];
  for (let i = 0; i < 100; i++) like.push([i < 50 ? 5 : i < 90 ? 50 : 500, i < 70 ? 0 : 1]);
  monitor.observe(rows(like), 100);
  let report = monitor.report();
  assert.deepEqual(
    report.features.map((f) => [f.name, f.psi]),
    [
      ['amount', 0],
      ['is_night', 0],
    ],
  );
  assert.deepEqual([report.modelVersion, report.rows, report.windowRows, report.referenceRows], ['m1', 100, 100, 100]);

  // 40 new rows push 40 old ones out of the window of 100: the oldest 40 (all amount ≤ 10, is_night 0).
  monitor.observe(rows(Array.from({ length: 40 }, () => [500, 0] as [number, number])), 40);
  report = monitor.report();
  assert.equal(report.rows, 100);
  assert.equal(report.features[0]!.name, 'amount');
  const expected = populationStability([50, 40, 10], 100, [10, 40, 50], 100);
  assert.ok(Math.abs(report.features[0]!.psi - expected) < 1e-12);
  // is_night: 30 zeros of the first rows left, 40 zeros came in → 70 / 30 / 0 again.
  assert.equal(report.features[1]!.psi, 0);
});

test('no PSI before minRows rows or without a reference; a new reference counts the rows held again', () => {
  const monitor = new FeatureDriftMonitor(2, { windowRows: 10, minRows: 5 });
  monitor.observe(rows([[5, 0]]), 1);
  assert.deepEqual(monitor.report().features, []);
  monitor.setReference('old', null);
  monitor.observe(rows(Array.from({ length: 5 }, () => [500, 1] as [number, number])), 5);
  assert.deepEqual([monitor.report().modelVersion, monitor.report().features], [null, []]);

  // The six rows held (one ≤ 10, five > 100) are binned under the new champion's reference at once.
  monitor.setReference('new', parseDriftReference(REFERENCE_JSON, NAMES));
  const report = monitor.report();
  assert.equal(report.modelVersion, 'new');
  assert.equal(report.rows, 6);
  const amount = report.features.find((f) => f.name === 'amount')!;
  assert.ok(Math.abs(amount.psi - populationStability([50, 40, 10], 100, [1, 0, 5], 6)) < 1e-12);
});

test('a feed that stops sending a field drifts on its NaN bin; one missing as in training does not', () => {
  const doc = JSON.parse(REFERENCE_JSON) as { features: { counts: number[]; missing?: number }[] };
  // is_night: 20 of the 100 training rows missing.
  doc.features[1]!.counts = [50, 30, 0];
  doc.features[1]!.missing = 20;
  const monitor = new FeatureDriftMonitor(2, { windowRows: 100, minRows: 10 });
  monitor.setReference('m1', parseDriftReference(JSON.stringify(doc), NAMES));
  const like: [number, number][] = [];
  for (let i = 0; i < 100; i++) like.push([i < 50 ? NaN : i < 90 ? 50 : 500, i < 50 ? 0 : i < 80 ? 1 : NaN]);
  monitor.observe(rows(like), 100);
  const report = monitor.report();
  const psi = Object.fromEntries(report.features.map((f) => [f.name, f.psi]));
  assert.equal(psi['is_night'], 0, 'the same share missing as in training');
  // amount: half the live rows NaN, training none: counted in the NaN bin, not in bin 0.
  const expected = populationStability([50, 40, 10, 0], 100, [0, 40, 10, 50], 100);
  assert.ok(Math.abs(psi['amount']! - expected) < 1e-12);
  assert.ok(psi['amount']! > 2, `${psi['amount']}`);
  assert.equal(report.features[0]!.name, 'amount');
});
