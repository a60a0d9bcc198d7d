import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelInfo, ModelPort } from '../../../src/core/model-port.ts';
import { MicroBatcher } from '../../../src/core/scoring/micro-batcher.ts';

const info: ModelInfo = {
  version: 'test',
  featureNames: ['a', 'b'],
  featureSpecVersion: '1',
  trainingDataDigest: '',
  driftReference: null,
  explainer: null,
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

/** A model named `version` that scores every row `value`, records its calls, and may wait for a gate per call. */
function constantModel(version: string, value: number, gate?: () => Promise<void>): ModelPort & { calls: number[] } {
  const calls: number[] = [];
  return {
    info: { ...info, version },
    calls,
    async score(_features, rows, out) {
      calls.push(rows);
      await gate?.();
      out.fill(value, 0, rows);
    },
    close: () => Promise.resolve(),
  };
}

test('a swap waits until no request is part-scored: each request is scored whole by one champion', async () => {
  let release: () => void = () => {};
  let entered: () => void = () => {};
  const inFirstCall = new Promise<void>((done) => (entered = done));
  let first = true;
  const old = constantModel('old', 0.1, () => {
    if (!first) return Promise.resolve();
    first = false;
    entered();
    return new Promise<void>((done) => (release = done));
  });
  const next = constantModel('new', 0.9);
  const batcher = new MicroBatcher(old, { maxRows: 4, maxWaitMs: 0 });
  const outA = new Float32Array(10);
  const a = batcher.score(new Float32Array(20), 10, outA);
  await inFirstCall;
  // Mid-request: 4 of A's 10 rows are in the model. B arrives, then the swap.
  const outB = new Float32Array(3);
  const b = batcher.score(new Float32Array(6), 3, outB);
  const swapped = batcher.swap(next);
  release();
  const [byA, byB, previous] = await Promise.all([a, b, swapped]);
  assert.equal(byA.champion.version, 'old');
  assert.deepEqual([...new Set(outA)], [Math.fround(0.1)], 'all of A by the old champion');
  assert.equal(byB.champion.version, 'new', 'B, not yet started at the swap, by the new one');
  assert.deepEqual([...new Set(outB)], [Math.fround(0.9)]);
  assert.equal(previous, old, 'the swap hands back the old champion');
  assert.deepEqual(old.calls, [4, 4, 2], 'no call mixes rows of a part-scored request with new ones during a swap');
  assert.deepEqual(next.calls, [3]);
  assert.equal(batcher.serving.version, 'new');
});

test('an idle batcher swaps at once; a model of another width is refused', async () => {
  const batcher = new MicroBatcher(constantModel('a', 0.1), { maxRows: 4, maxWaitMs: 0 });
  assert.equal((await batcher.swap(constantModel('b', 0.2))).info.version, 'a');
  assert.equal(batcher.serving.version, 'b');
  const wide = { ...constantModel('c', 0.3), info: { ...info, featureNames: ['a', 'b', 'c'] } };
  assert.throws(() => batcher.swap(wide), /3 features cannot replace one of 2/);
});

test("a challenger scores the champion's rows beside it and never changes the champion's scores", async () => {
  const champion = fakeModel();
  const challenger = constantModel('challenger', 0.7);
  const outcomes: string[] = [];
  let t = 0;
  const batcher = new MicroBatcher(champion, {
    maxRows: 64,
    maxWaitMs: 0,
    timing: { nowUs: () => (t += 10), onModelCall: () => {}, onChallengerCall: (o) => outcomes.push(o) },
  });
  await batcher.setChallenger(challenger);
  const out = new Float32Array(2);
  const shadow = new Float32Array(2);
  const by = await batcher.score(rowsOf([1, 1], [2, 2]), 2, out, shadow);
  assert.equal(by.challenger?.version, 'challenger');
  assert.deepEqual(
    [...out].map((x) => +x.toFixed(3)),
    [1.1, 2.2],
  );
  assert.deepEqual([...shadow], [Math.fround(0.7), Math.fround(0.7)]);
  assert.deepEqual(outcomes, ['scored']);
  assert.equal(await batcher.setChallenger(null), challenger);
  const after = new Float32Array(1).fill(5);
  assert.equal((await batcher.score(rowsOf([1, 1]), 1, new Float32Array(1), after)).challenger, null);
  assert.ok(Number.isNaN(after[0]), 'no challenger: its scores are NaN');
});

test('a challenger that throws or overruns its budget is paused for a while; the champion is not touched', async () => {
  let fail = true;
  const challenger: ModelPort = {
    info: { ...info, version: 'flaky' },
    score: (_f, rows, out) => {
      if (fail) return Promise.reject(new Error('challenger broke'));
      out.fill(0.5, 0, rows);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const outcomes: string[] = [];
  let now = 0;
  let step = 10;
  const batcher = new MicroBatcher(fakeModel(), {
    maxRows: 64,
    maxWaitMs: 0,
    challengerBudgetUs: 1000,
    challengerPauseCalls: 2,
    timing: { nowUs: () => (now += step), onModelCall: () => {}, onChallengerCall: (o) => outcomes.push(o) },
  });
  await batcher.setChallenger(challenger);
  const call = async () => {
    const out = new Float32Array(1);
    const shadow = new Float32Array(1);
    await batcher.score(rowsOf([1, 1]), 1, out, shadow);
    assert.equal(+out[0]!.toFixed(3), 1.1, "the champion's score");
    return shadow[0]!;
  };
  assert.ok(Number.isNaN(await call()), 'failed: no score');
  assert.ok(Number.isNaN(await call()), 'paused');
  assert.ok(Number.isNaN(await call()), 'paused');
  fail = false;
  step = 2000;
  assert.equal(await call(), 0.5, 'a slow call keeps its scores');
  assert.ok(Number.isNaN(await call()), '…and pauses the next calls');
  assert.deepEqual(outcomes, ['failed', 'paused', 'paused', 'slow', 'paused']);
});
