/** A binary tree ensemble, nodes in flat arrays (one index space for all trees); a leaf has no children. */
export interface TreeEnsemble {
  readonly features: number;
  /** The root node of each tree. */
  readonly roots: Int32Array;
  /** Split feature (-1 for a leaf). */
  readonly feature: Int32Array;
  /** x <= threshold goes to `yes`, else `no` (NaN goes to `yes` where `missingYes` is 1). */
  readonly threshold: Float64Array;
  readonly yes: Int32Array;
  readonly no: Int32Array;
  readonly missingYes: Uint8Array;
  /** Leaf value in margin space (0 for a branch). */
  readonly value: Float64Array;
  /** Training rows that reached the node. */
  readonly count: Float64Array;
  /** Deepest path, in splits. */
  readonly maxDepth: number;
}

/** The expected margin of the ensemble: per tree, its leaf values weighted by their training rows. */
export function expectedValue(trees: TreeEnsemble): number {
  let sum = 0;
  for (const root of trees.roots) sum += expectedOf(trees, root);
  return sum;
}

function expectedOf(trees: TreeEnsemble, node: number): number {
  if (trees.feature[node]! < 0) return trees.value[node]!;
  const yes = trees.yes[node]!;
  const no = trees.no[node]!;
  return (trees.count[yes]! * expectedOf(trees, yes) + trees.count[no]! * expectedOf(trees, no)) / trees.count[node]!;
}

/** Whether `x` goes down the `yes` branch of `node`. */
export function goesYes(trees: TreeEnsemble, node: number, x: number): boolean {
  return Number.isNaN(x) ? trees.missingYes[node] === 1 : x <= trees.threshold[node]!;
}
