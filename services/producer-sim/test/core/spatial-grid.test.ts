import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.ts';
import { SpatialGrid } from '../../src/core/spatial-grid.ts';

function points(count: number, extent: number, seed: number): { xs: Float64Array; ys: Float64Array } {
  const rng = new Rng(seed);
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    xs[i] = rng.uniform(0, extent);
    ys[i] = rng.uniform(0, extent);
  }
  return { xs, ys };
}

function within(xs: Float64Array, ys: Float64Array, x: number, y: number, r: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Math.hypot(xs[i]! - x, ys[i]! - y) < r) out.push(i);
  return out;
}

test('samples are drawn uniformly among exactly the points strictly within the radius', () => {
  const { xs, ys } = points(2000, 100, 1);
  const grid = new SpatialGrid(xs, ys, xs.length, 100, 5);
  const rng = new Rng(2);
  for (const [x, y] of [
    [50, 50],
    [0.5, 99.5],
    [12.3, 4.1],
  ] as const) {
    const expected = within(xs, ys, x, y, 5);
    assert.ok(expected.length > 0);
    const counts = new Map<number, number>();
    const draws = expected.length * 400;
    for (let k = 0; k < draws; k++) {
      const t = grid.sample(x, y, 5, rng);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      expected,
    );
    // Each of n points is hit 400 times on average; a uniform draw keeps every count well inside 400 +- 25%.
    for (const [t, c] of counts) assert.ok(c > 300 && c < 500, `point ${t} drawn ${c} times`);
  }
});

test('a place with no point in reach gets -1, and anyWithin agrees with a full scan', () => {
  const xs = new Float64Array([1, 2, 90]);
  const ys = new Float64Array([1, 2, 90]);
  const grid = new SpatialGrid(xs, ys, 3, 100, 5);
  assert.equal(grid.sample(50, 50, 5, new Rng(3)), -1);
  assert.equal(grid.anyWithin(50, 50, 5), false);
  assert.equal(grid.anyWithin(6, 2, 5), true);
  assert.equal(grid.anyWithin(7, 2, 5), false, 'a point exactly at the radius is out of reach');

  const many = points(500, 100, 4);
  const big = new SpatialGrid(many.xs, many.ys, 500, 100, 5);
  const rng = new Rng(5);
  for (let k = 0; k < 200; k++) {
    const x = rng.uniform(0, 100);
    const y = rng.uniform(0, 100);
    assert.equal(big.anyWithin(x, y, 5), within(many.xs, many.ys, x, y, 5).length > 0);
  }
});

test('a radius wider than the cells is refused rather than answered wrongly', () => {
  const { xs, ys } = points(10, 100, 6);
  assert.throws(() => new SpatialGrid(xs, ys, 10, 100, 5).sample(50, 50, 6, new Rng(1)), RangeError);
});
