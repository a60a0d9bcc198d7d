import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelInfo, ModelPort } from '../../../src/core/model-port.ts';
import { MicroBatcher } from '../../../src/core/scoring/micro-batcher.ts';

const info: ModelInfo = {
  version: 'test',
  featureNames: ['a', 'b'],
  featureSpecVersion: '1',
  trainingDataDigest: '',
  thresholds: { review: 0.5, decline: 0.9 },
};

/** Scores a row as a + b / 10, and records the size of every call. */
function fakeModel(failOnCall?: number): ModelPort & { calls: number[] } {
  const calls: number[] = [];
  return {
    info,
    calls,
    score(features, rows, out) {
      calls.push(rows);
      if (calls.length === failOnCall) return Promise.reject(new Error('boom'));
      for (let i = 0; i < rows; i++) out[i] = features[2 * i]! + features[2 * i + 1]! / 10;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

function rowsOf(...pairs: [number, number][]): Float32Array {
  return Float32Array.from(pairs.flat());
}

test('rows from concurrent callers share one model call and each gets its own scores back', async () => {
  const model = fakeModel();
  const batcher = new MicroBatcher(model, { maxRows: 64, maxWaitMs: 5 });
  const outA = new Float32Array(2);
  const outB = new Float32Array(1);
  await Promise.all([batcher.score(rowsOf([1, 1], [2, 2]), 2, outA), batcher.score(rowsOf([3, 3]), 1, outB)]);
  assert.deepEqual(model.calls, [3]);
  assert.deepEqual(
    [...outA].map((x) => +x.toFixed(3)),
    [1.1, 2.2],
  );
  assert.deepEqual(
    [...outB].map((x) => +x.toFixed(3)),
    [3.3],
  );
});

test('a request larger than maxRows is split into calls of at most maxRows rows, in order', async () => {
  const model = fakeModel();
  const batcher = new MicroBatcher(model, { maxRows: 4, maxWaitMs: 0 });
  const n = 10;
  const features = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) features[2 * i] = i;
  const out = new Float32Array(n);
  await batcher.score(features, n, out);
  assert.deepEqual(model.calls, [4, 4, 2]);
  assert.deepEqual(
    [...out],
    Array.from({ length: n }, (_, i) => i),
  );
});

test('a failed model call rejects every request that had rows in it and the next call works again', async () => {
  const model = fakeModel(1);
  const batcher = new MicroBatcher(model, { maxRows: 8, maxWaitMs: 1 });
  const first = batcher.score(rowsOf([1, 0]), 1, new Float32Array(1));
  const second = batcher.score(rowsOf([2, 0]), 1, new Float32Array(1));
  await assert.rejects(first, /boom/);
  await assert.rejects(second, /boom/);
  const out = new Float32Array(1);
  await batcher.score(rowsOf([5, 0]), 1, out);
  assert.equal(out[0], 5);
});

test('zero rows resolve at once without calling the model', async () => {
  const model = fakeModel();
  await new MicroBatcher(model, { maxRows: 8, maxWaitMs: 1 }).score(new Float32Array(0), 0, new Float32Array(0));
  assert.deepEqual(model.calls, []);
});

test('each model call is timed by the clock it is given, with its row count', async () => {
  const model = fakeModel();
  let now = 1_000;
  const timed: [number, number][] = [];
  const slow: ModelPort = {
    ...model,
    score: (input, rows, out) => {
      now += 250; // each call takes 250 µs on this clock
      return model.score(input, rows, out);
    },
  };
  const batcher = new MicroBatcher(slow, {
    maxRows: 2,
    maxWaitMs: 0,
    timing: { nowUs: () => now, onModelCall: (rows, us) => timed.push([rows, us]) },
  });
  await batcher.score(rowsOf([1, 1], [2, 2], [3, 3]), 3, new Float32Array(3));
  assert.deepEqual(timed, [
    [2, 250],
    [1, 250],
  ]);
});
