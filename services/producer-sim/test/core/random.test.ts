import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, cumulativeWeights } from '../../src/core/random.ts';

const N = 200_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < N; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / N;
  return { mean, variance: sumSq / N - mean * mean };
}

test('the same seed and stream give the same draws, and another stream or seed gives others', () => {
  const draws = (seed: number, stream: number): number[] => {
    const rng = new Rng(seed, stream);
    return Array.from({ length: 8 }, () => rng.nextUint32());
  };
  assert.deepEqual(draws(42, 1), draws(42, 1));
  assert.notDeepEqual(draws(42, 1), draws(42, 2));
  assert.notDeepEqual(draws(42, 1), draws(43, 1));
});

test('uniform draws stay strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
  const rng = new Rng(7);
  let min = 1;
  let max = 0;
  const { mean, variance } = moments(() => {
    const u = rng.next();
    min = Math.min(min, u);
    max = Math.max(max, u);
    return u;
  });
  assert.ok(min > 0 && max < 1);
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
});

test('normal draws have the asked mean and standard deviation', () => {
  const rng = new Rng(8);
  const { mean, variance } = moments(() => rng.normal(43_200, 20_000));
  assert.ok(Math.abs(mean - 43_200) < 200, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(variance) - 20_000) < 200, `std ${Math.sqrt(variance)}`);
});

test('Poisson draws have mean and variance lambda, below and above the method switch', () => {
  for (const lambda of [0.3, 2, 3.9, 50]) {
    const rng = new Rng(9, lambda * 10);
    const { mean, variance } = moments(() => rng.poisson(lambda));
    assert.ok(Math.abs(mean - lambda) < 0.03 * lambda + 0.01, `lambda ${lambda}: mean ${mean}`);
    assert.ok(Math.abs(variance - lambda) < 0.06 * lambda + 0.02, `lambda ${lambda}: variance ${variance}`);
  }
  assert.equal(new Rng(1).poisson(0), 0);
});

test('weighted picks follow the weights', () => {
  const rng = new Rng(10);
  const cumulative = cumulativeWeights([1, 0, 3]);
  const counts = [0, 0, 0];
  for (let i = 0; i < N; i++) counts[rng.weighted(cumulative)]!++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2]! / N - 0.75) < 0.01, `share ${counts[2]! / N}`);
});
