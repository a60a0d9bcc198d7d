/**
 * Exact path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2, as LightGBM's `pred_contrib` runs it) over a
 * tree ensemble in flat arrays: per feature, its signed contribution to the model's margin (log-odds), so that
 * the expected value plus all contributions is the margin of the row. Node weights are training-row counts.
 */

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

/** 1 / k for the path lengths TreeSHAP divides by (trees are at most 64 deep: `readTreeEnsemble` checks). */
const RECIPROCAL = Float64Array.from({ length: 66 }, (_, k) => (k === 0 ? 0 : 1 / k));

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

/** The margin the ensemble gives a row (the sum of the leaves it reaches). */
export function marginOf(trees: TreeEnsemble, row: Float32Array, offset: number): number {
  let sum = 0;
  for (const root of trees.roots) {
    let node = root;
    while (trees.feature[node]! >= 0)
      node = goesYes(trees, node, row[offset + trees.feature[node]!]!) ? trees.yes[node]! : trees.no[node]!;
    sum += trees.value[node]!;
  }
  return sum;
}

function goesYes(trees: TreeEnsemble, node: number, x: number): boolean {
  return Number.isNaN(x) ? trees.missingYes[node] === 1 : x <= trees.threshold[node]!;
}

/**
 * TreeSHAP for one ensemble, with its path buffers allocated once: `explain` is then allocation-free. Not
 * re-entrant (one call at a time, as the pipeline makes them).
 */
export class TreeShap {
  readonly trees: TreeEnsemble;
  /** The ensemble's expected margin: what the contributions are relative to. */
  readonly expected: number;
  // The path of unique features, one segment per depth (each call copies its parent's into the next segment).
  readonly #pathFeature: Int32Array;
  readonly #pathZero: Float64Array;
  readonly #pathOne: Float64Array;
  readonly #pathWeight: Float64Array;

  constructor(trees: TreeEnsemble) {
    this.trees = trees;
    this.expected = expectedValue(trees);
    const slots = ((trees.maxDepth + 2) * (trees.maxDepth + 3)) / 2;
    this.#pathFeature = new Int32Array(slots);
    this.#pathZero = new Float64Array(slots);
    this.#pathOne = new Float64Array(slots);
    this.#pathWeight = new Float64Array(slots);
  }

  /** Contributions of row[offset..offset+features) into out[0..features) (overwritten); returns the margin. */
  explain(row: Float32Array, offset: number, out: Float64Array): number {
    out.fill(0, 0, this.trees.features);
    for (const root of this.trees.roots) this.#recurse(row, offset, out, root, 0, 0, 1, 1, -1);
    let margin = this.expected;
    for (let f = 0; f < this.trees.features; f++) margin += out[f]!;
    return margin;
  }

  #recurse(
    row: Float32Array,
    offset: number,
    phi: Float64Array,
    node: number,
    parentStart: number,
    depth: number,
    zeroFraction: number,
    oneFraction: number,
    featureIndex: number,
  ): void {
    const t = this.trees;
    const pf = this.#pathFeature;
    const pz = this.#pathZero;
    const po = this.#pathOne;
    const pw = this.#pathWeight;
    // This call's path: a copy of the parent's (depth elements) right after it, extended by one.
    const start = parentStart + depth;
    // (A loop, not copyWithin: a path is a few elements, and the native call costs more than the copy.)
    for (let i = 0; i < depth; i++) {
      pf[start + i] = pf[parentStart + i]!;
      pz[start + i] = pz[parentStart + i]!;
      po[start + i] = po[parentStart + i]!;
      pw[start + i] = pw[parentStart + i]!;
    }
    this.#extend(start, depth, zeroFraction, oneFraction, featureIndex);

    const split = t.feature[node]!;
    if (split < 0) {
      const leaf = t.value[node]!;
      for (let i = 1; i <= depth; i++) {
        const w = this.#unwoundSum(start, depth, i);
        phi[pf[start + i]!]! += w * (po[start + i]! - pz[start + i]!) * leaf;
      }
      return;
    }
    const yes = goesYes(t, node, row[offset + split]!);
    const hot = yes ? t.yes[node]! : t.no[node]!;
    const cold = yes ? t.no[node]! : t.yes[node]!;
    const weight = t.count[node]!;
    const hotZero = t.count[hot]! / weight;
    const coldZero = t.count[cold]! / weight;
    let incomingZero = 1;
    let incomingOne = 1;
    // A feature split on before along this path: undo that split, and carry its fractions on.
    let at = 0;
    while (at <= depth && pf[start + at] !== split) at++;
    let d = depth;
    if (at <= depth) {
      incomingZero = pz[start + at]!;
      incomingOne = po[start + at]!;
      this.#unwind(start, d, at);
      d--;
    }
    this.#recurse(row, offset, phi, hot, start, d + 1, hotZero * incomingZero, incomingOne, split);
    this.#recurse(row, offset, phi, cold, start, d + 1, coldZero * incomingZero, 0, split);
  }

  #extend(start: number, depth: number, zero: number, one: number, feature: number): void {
    const pw = this.#pathWeight;
    this.#pathFeature[start + depth] = feature;
    this.#pathZero[start + depth] = zero;
    this.#pathOne[start + depth] = one;
    pw[start + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pw[start + i + 1]! += (one * pw[start + i]! * (i + 1)) / (depth + 1);
      pw[start + i] = (zero * pw[start + i]! * (depth - i)) / (depth + 1);
    }
  }

  #unwind(start: number, depth: number, index: number): void {
    const pw = this.#pathWeight;
    const one = this.#pathOne[start + index]!;
    const zero = this.#pathZero[start + index]!;
    let nextOne = pw[start + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = pw[start + i]!;
        pw[start + i] = (nextOne * (depth + 1)) / ((i + 1) * one);
        nextOne = tmp - (pw[start + i]! * zero * (depth - i)) / (depth + 1);
      } else {
        pw[start + i] = (pw[start + i]! * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      this.#pathFeature[start + i] = this.#pathFeature[start + i + 1]!;
      this.#pathZero[start + i] = this.#pathZero[start + i + 1]!;
      this.#pathOne[start + i] = this.#pathOne[start + i + 1]!;
    }
  }

  #unwoundSum(start: number, depth: number, index: number): number {
    const pw = this.#pathWeight;
    const one = this.#pathOne[start + index]!;
    const zero = this.#pathZero[start + index]!;
    // LightGBM's loop with the divisions by loop-invariant values hoisted (the hot loop of TreeSHAP).
    const scale = depth + 1;
    let total = 0;
    if (one !== 0) {
      const up = scale / one;
      const down = zero / scale;
      let nextOne = pw[start + depth]!;
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = nextOne * up * RECIPROCAL[i + 1]!;
        total += tmp;
        nextOne = pw[start + i]! - tmp * down * (depth - i);
      }
    } else {
      const up = scale / zero;
      for (let i = depth - 1; i >= 0; i--) total += pw[start + i]! * up * RECIPROCAL[depth - i]!;
    }
    return total;
  }
}
