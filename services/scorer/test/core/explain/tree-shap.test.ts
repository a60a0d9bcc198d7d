import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goesYes } from '../../../src/core/explain/tree-ensemble.ts';
import type { TreeEnsemble } from '../../../src/core/explain/tree-ensemble.ts';
import { TreeShap } from '../../../src/core/explain/tree-shap.ts';

interface Node {
  feature?: number;
  threshold?: number;
  yes?: Node;
  no?: Node;
  value?: number;
  count: number;
}

/** Flattens trees of nested nodes the way `readTreeEnsemble` lays them out. */
function ensemble(features: number, roots: Node[]): TreeEnsemble {
  const nodes: Node[] = [];
  const index = (n: Node): number => {
    const i = nodes.push(n) - 1;
    if (n.yes) index(n.yes);
    if (n.no) index(n.no);
    return i;
  };
  const rootIds = roots.map(index);
  const at = (n: Node | undefined) => (n === undefined ? 0 : nodes.indexOf(n));
  return {
    features,
    roots: Int32Array.from(rootIds),
    feature: Int32Array.from(nodes, (n) => n.feature ?? -1),
    threshold: Float64Array.from(nodes, (n) => n.threshold ?? 0),
    yes: Int32Array.from(nodes, (n) => at(n.yes)),
    no: Int32Array.from(nodes, (n) => at(n.no)),
    missingYes: new Uint8Array(nodes.length),
    value: Float64Array.from(nodes, (n) => n.value ?? 0),
    count: Float64Array.from(nodes, (n) => n.count),
    maxDepth: 8,
  };
}

/** A random tree of `depth` splits on `features` features (repeats allowed), with consistent counts. */
function randomTree(random: () => number, features: number, depth: number, count: number): Node {
  if (depth === 0 || count < 2) return { value: random() * 4 - 2, count };
  const left = 1 + Math.floor(random() * (count - 1));
  return {
    feature: Math.floor(random() * features),
    threshold: Math.round(random() * 10) / 10,
    yes: randomTree(random, features, depth - 1 - Math.floor(random() * 2), left),
    no: randomTree(random, features, depth - 1 - Math.floor(random() * 2), count - left),
    count,
  };
}

/**
 * The definition, by brute force: v(S) = the tree's expectation when the features of S follow the row and the
 * others split by training counts (what "path-dependent" means), and Shapley values over all subsets.
 */
function bruteForce(trees: TreeEnsemble, row: Float32Array): number[] {
  const f = trees.features;
  const v = (mask: number): number => {
    const walk = (node: number): number => {
      const feature = trees.feature[node]!;
      if (feature < 0) return trees.value[node]!;
      const yes = trees.yes[node]!;
      const no = trees.no[node]!;
      if (mask & (1 << feature)) return walk(goesYes(trees, node, row[feature]!) ? yes : no);
      return (trees.count[yes]! * walk(yes) + trees.count[no]! * walk(no)) / trees.count[node]!;
    };
    let sum = 0;
    for (const root of trees.roots) sum += walk(root);
    return sum;
  };
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const phi = new Array<number>(f).fill(0);
  for (let i = 0; i < f; i++) {
    for (let mask = 0; mask < 1 << f; mask++) {
      if (mask & (1 << i)) continue;
      const size = [...Array(f).keys()].filter((j) => mask & (1 << j)).length;
      const weight = (factorial(size) * factorial(f - size - 1)) / factorial(f);
      phi[i]! += weight * (v(mask | (1 << i)) - v(mask));
    }
  }
  return phi;
}

function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

test('a stump gives its feature the difference between the leaf reached and the expected value', async () => {
  const trees = ensemble(2, [
    { feature: 0, threshold: 0.5, yes: { value: 2, count: 30 }, no: { value: -1, count: 70 }, count: 100 },
  ]);
  const shap = await TreeShap.build(trees);
  const phi = new Float64Array(2);
  assert.ok(Math.abs(shap.expected - (0.3 * 2 + 0.7 * -1)) < 1e-15);
  const margin = shap.explain(Float32Array.of(0, 9), 0, phi);
  assert.ok(Math.abs(phi[0]! - (2 - shap.expected)) < 1e-15);
  assert.equal(phi[1], 0);
  assert.ok(Math.abs(margin - 2) < 1e-15);
});

test('on random trees with repeated features, both table layouts give the brute-force Shapley values', async () => {
  const random = lcg(11);
  const features = 5;
  for (let trial = 0; trial < 20; trial++) {
    // Up to 12 splits deep, so some trees exceed the default whole-tree limit and take per-leaf tables.
    const roots = Array.from({ length: 3 }, () => randomTree(random, features, 3 + (trial % 4) * 3, 1000));
    const trees = ensemble(features, roots);
    for (const options of [{}, { maxTreeBranches: 0 }, { maxTreeBranches: 12 }]) {
      const shap = await TreeShap.build(trees, options);
      const phi = new Float64Array(features);
      for (let r = 0; r < 5; r++) {
        const row = Float32Array.from({ length: features }, () => Math.round(random() * 10) / 10);
        const margin = shap.explain(row, 0, phi);
        const expected = bruteForce(trees, row);
        for (let i = 0; i < features; i++) {
          assert.ok(Math.abs(phi[i]! - expected[i]!) < 1e-9, `trial ${trial} ${JSON.stringify(options)} feature ${i}`);
        }
        assert.ok(Math.abs(margin - (shap.expected + expected.reduce((a, b) => a + b, 0))) < 1e-9);
      }
    }
  }
});
