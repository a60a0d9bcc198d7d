/**
 * Path-dependent TreeSHAP (Lundberg et al. 2018, the Algorithm 2 LightGBM's `pred_contrib` runs), leaf by leaf.
 * What a leaf adds to each feature's contribution depends on the row only through which of the leaf's path
 * features the row agrees with (their "one fractions", 0 or 1): so, as Fast TreeSHAP v2 (Yang 2021) does, it is
 * worked out here once per agreement pattern, 2^d patterns for d unique features on the path.
 */
import type { TreeEnsemble } from './tree-ensemble.ts';

/** One leaf's path: its unique features, the splits that decide agreement with each, and their training shares. */
export interface LeafPath {
  readonly tree: number;
  readonly leaf: number;
  /** Unique split features from the root down, each once. */
  readonly features: readonly number[];
  /** Each split on the way: the node, the branch taken to reach the leaf, and the feature's index in `features`. */
  readonly splits: readonly { readonly node: number; readonly yes: boolean; readonly position: number }[];
  /** Per feature, the training share of the rows its splits along the path keep (the zero fraction). */
  readonly zero: readonly number[];
}

/** Every leaf of every tree, tree by tree, and the branch nodes of each tree in the same order. */
export function leafPaths(trees: TreeEnsemble): { leaves: LeafPath[]; branches: number[][] } {
  const leaves: LeafPath[] = [];
  const branches: number[][] = [];
  trees.roots.forEach((root, tree) => {
    const own: number[] = [];
    branches.push(own);
    const walk = (node: number, path: { node: number; yes: boolean }[]): void => {
      if (trees.feature[node]! >= 0) {
        own.push(node);
        walk(trees.yes[node]!, [...path, { node, yes: true }]);
        walk(trees.no[node]!, [...path, { node, yes: false }]);
        return;
      }
      const features: number[] = [];
      const zero: number[] = [];
      const splits: { node: number; yes: boolean; position: number }[] = [];
      for (const step of path) {
        const feature = trees.feature[step.node]!;
        const child = step.yes ? trees.yes[step.node]! : trees.no[step.node]!;
        let position = features.indexOf(feature);
        if (position < 0) {
          position = features.push(feature) - 1;
          zero.push(1);
        }
        zero[position] = zero[position]! * (trees.count[child]! / trees.count[step.node]!);
        splits.push({ node: step.node, yes: step.yes, position });
      }
      leaves.push({ tree, leaf: node, features, splits, zero });
    };
    walk(root, []);
  });
  return { leaves, branches };
}

/**
 * For every agreement pattern (bit p set: the row agrees with the path at every split on feature p), the leaf's
 * part in each of its features' contributions, written at table[start + pattern · d + p]: Algorithm 2's leaf
 * step, w · (one − zero) · value, w being the Shapley weight the path gives the feature (the unwound sum of the
 * extended path, a product of per-feature factors, so the order of extension does not matter).
 */
export function fillLeafTable(leaf: LeafPath, value: number, table: Float64Array, start: number): void {
  const d = leaf.features.length;
  const zero = Float64Array.from([1, ...leaf.zero]);
  const one = new Float64Array(d + 1);
  const weight = new Float64Array(d + 1);
  for (let pattern = 0; pattern < 2 ** d; pattern++) {
    one[0] = 1;
    for (let p = 0; p < d; p++) one[p + 1] = (pattern >> p) & 1;
    // The path weights of the root's dummy element and the d features, extended one by one (ExtendPath).
    weight.fill(0);
    for (let depth = 0; depth <= d; depth++) {
      weight[depth] = depth === 0 ? 1 : 0;
      for (let i = depth - 1; i >= 0; i--) {
        weight[i + 1]! += (one[depth]! * weight[i]! * (i + 1)) / (depth + 1);
        weight[i] = (zero[depth]! * weight[i]! * (depth - i)) / (depth + 1);
      }
    }
    for (let p = 1; p <= d; p++) {
      table[start + pattern * d + p - 1] = unwoundSum(weight, d, one[p]!, zero[p]!) * (one[p]! - zero[p]!) * value;
    }
  }
}

/** Algorithm 2's UnwoundPathSum: the total weight of the path with the element (one, zero) taken out. */
function unwoundSum(weight: Float64Array, depth: number, one: number, zero: number): number {
  let total = 0;
  if (one !== 0) {
    let nextOne = weight[depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = (nextOne * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      nextOne = weight[i]! - (tmp * zero * (depth - i)) / (depth + 1);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += weight[i]! / zero / ((depth - i) / (depth + 1));
  }
  return total;
}
