/**
 * Exact path-dependent TreeSHAP over a tree ensemble: per feature, its signed contribution to the model's margin
 * (log-odds), so that the expected value plus all contributions is the margin of the row; node weights are
 * training-row counts, as in LightGBM's `pred_contrib`.
 *
 * Tables are built once per model (`leaf-paths.ts`), so a row costs a comparison per split and a few lookups:
 * a small tree (at most `maxTreeBranches` splits: all of them with the shipped 7-leaf trees) has one table over
 * every combination of its split outcomes; a larger one a table per leaf over the row's agreement with its path.
 */
import { fillLeafTable, leafPaths } from './leaf-paths.ts';
import type { LeafPath } from './leaf-paths.ts';
import { expectedValue } from './tree-ensemble.ts';
import type { TreeEnsemble } from './tree-ensemble.ts';

/** A tree of at most this many splits gets one table of 2^splits rows (unless configured lower). */
export const DEFAULT_MAX_TREE_BRANCHES = 10;
/** Per-leaf tables hold 2^d · d numbers for d unique features on the path: bounded per path and in all. */
export const MAX_PATH_FEATURES = 12;
export const MAX_TABLE_ENTRIES = 2 ** 24;

export interface TreeShapOptions {
  /** Trees of up to this many splits (0–12) are tabled whole; default DEFAULT_MAX_TREE_BRANCHES. */
  readonly maxTreeBranches?: number;
}

/** Growable flat tables: the offsets of each part, and the entries. */
class Tables {
  readonly starts: number[] = [0];
  size = 0;
  add(entries: number): number {
    const at = this.size;
    this.size += entries;
    if (this.size > MAX_TABLE_ENTRIES) {
      throw new Error(`the explanation tables would hold over ${MAX_TABLE_ENTRIES} numbers`);
    }
    this.starts.push(this.size);
    return at;
  }
}

/** TreeSHAP for one ensemble. `explain` allocates nothing and is not re-entrant (the pipeline calls it in turn). */
export class TreeShap {
  readonly trees: TreeEnsemble;
  /** The ensemble's expected margin: what the contributions are relative to. */
  readonly expected: number;
  // Every branch (split) of every tree, tree by tree: feature, threshold, NaN direction; and the row's outcome.
  readonly #branchFeature: Int32Array;
  readonly #branchThreshold: Float64Array;
  readonly #branchMissingYes: Uint8Array;
  readonly #goes: Uint8Array;
  // Tabled trees: their first branch and branch count, their features [featureStart[t], featureStart[t+1]) and their table.
  readonly #treeBranch: Int32Array;
  readonly #treeBranchCount: Int32Array;
  readonly #treeFeatureStart: Int32Array;
  readonly #treeFeature: Int32Array;
  readonly #treeTableStart: Int32Array;
  readonly #treeTable: Float64Array;
  // Leaves of the other trees: their splits (branch, direction, bit), path features and table likewise.
  readonly #leafSplitStart: Int32Array;
  readonly #splitBranch: Int32Array;
  readonly #splitYes: Uint8Array;
  readonly #splitBit: Int32Array;
  readonly #leafFeatureStart: Int32Array;
  readonly #leafFeature: Int32Array;
  readonly #leafTableStart: Int32Array;
  readonly #leafTable: Float64Array;

  /**
   * Builds the tables, yielding to the event loop every few trees (tens of milliseconds in all for the shipped
   * model: a model loaded while the scorer serves must not stall it).
   */
  static async build(trees: TreeEnsemble, options: TreeShapOptions = {}): Promise<TreeShap> {
    const maxTreeBranches = options.maxTreeBranches ?? DEFAULT_MAX_TREE_BRANCHES;
    if (!(Number.isInteger(maxTreeBranches) && maxTreeBranches >= 0 && maxTreeBranches <= 12)) {
      throw new RangeError('maxTreeBranches must be an integer in 0..12');
    }
    const { leaves, branches } = leafPaths(trees);
    const byTree = branches.map((): LeafPath[] => []);
    for (const leaf of leaves) byTree[leaf.tree]!.push(leaf);
    const parts: TableParts = {
      branches,
      tabled: branches.map((own) => own.length <= maxTreeBranches),
      treeFeatures: [],
      treeTables: [],
      treeSizes: new Tables(),
      untabled: [],
      leafSizes: new Tables(),
    };
    for (let t = 0; t < branches.length; t++) {
      addTree(trees, parts, t, byTree[t]!);
      if (t % TREES_PER_SLICE === TREES_PER_SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    return new TreeShap(trees, parts);
  }

  private constructor(trees: TreeEnsemble, parts: TableParts) {
    this.trees = trees;
    this.expected = expectedValue(trees);
    const { branches, tabled, treeFeatures, treeTables, treeSizes, untabled, leafSizes } = parts;
    const allBranches = branches.flat();
    const branchIndex = new Map(allBranches.map((node, b) => [node, b]));
    this.#branchFeature = Int32Array.from(allBranches, (node) => trees.feature[node]!);
    this.#branchThreshold = Float64Array.from(allBranches, (node) => trees.threshold[node]!);
    this.#branchMissingYes = Uint8Array.from(allBranches, (node) => trees.missingYes[node]!);
    this.#goes = new Uint8Array(allBranches.length);

    // A tabled tree's branches are contiguous in the branch order (tree by tree): its first and how many.
    const tabledBranches = branches.filter((_, t) => tabled[t]);
    this.#treeBranch = Int32Array.from(tabledBranches, (own) => (own.length === 0 ? 0 : branchIndex.get(own[0]!)!));
    this.#treeBranchCount = Int32Array.from(tabledBranches, (own) => own.length);
    this.#treeFeatureStart = Int32Array.from(cumulative(treeFeatures.map((f) => f.length)));
    this.#treeFeature = Int32Array.from(treeFeatures.flat());
    this.#treeTableStart = Int32Array.from(treeSizes.starts);
    this.#treeTable = concat(treeTables, treeSizes.size);

    const splits = untabled.flatMap(({ leaf }) => leaf.splits);
    this.#leafSplitStart = Int32Array.from(cumulative(untabled.map(({ leaf }) => leaf.splits.length)));
    this.#splitBranch = Int32Array.from(splits, (s) => branchIndex.get(s.node)!);
    this.#splitYes = Uint8Array.from(splits, (s) => (s.yes ? 1 : 0));
    this.#splitBit = Int32Array.from(splits, (s) => 1 << s.position);
    this.#leafFeatureStart = Int32Array.from(cumulative(untabled.map(({ leaf }) => leaf.features.length)));
    this.#leafFeature = Int32Array.from(untabled.flatMap(({ leaf }) => leaf.features));
    this.#leafTableStart = Int32Array.from(leafSizes.starts);
    this.#leafTable = concat(
      untabled.map(({ table }) => table),
      leafSizes.size,
    );
  }

  /** Contributions of row[offset..offset+features) into out[0..features) (overwritten); returns the margin. */
  explain(row: Float32Array, offset: number, out: Float64Array): number {
    const width = this.trees.features;
    out.fill(0, 0, width);
    const goes = this.#goes;
    const feature = this.#branchFeature;
    const threshold = this.#branchThreshold;
    const missingYes = this.#branchMissingYes;
    for (let b = 0; b < goes.length; b++) {
      const x = row[offset + feature[b]!]!;
      // goesYes without the call: x <= t, or NaN (x !== x) where NaN goes yes.
      goes[b] = +(x <= threshold[b]!) | (+(x !== x) & missingYes[b]!);
    }

    const treeBranch = this.#treeBranch;
    const treeBranchCount = this.#treeBranchCount;
    const treeFeatureStart = this.#treeFeatureStart;
    const treeFeature = this.#treeFeature;
    const treeTableStart = this.#treeTableStart;
    const treeTable = this.#treeTable;
    for (let t = 0; t < treeBranch.length; t++) {
      const first = treeBranch[t]!;
      let combo = 0;
      for (let i = 0; i < treeBranchCount[t]!; i++) combo |= goes[first + i]! << i;
      const f0 = treeFeatureStart[t]!;
      const u = treeFeatureStart[t + 1]! - f0;
      const at = treeTableStart[t]! + combo * u;
      for (let k = 0; k < u; k++) out[treeFeature[f0 + k]!]! += treeTable[at + k]!;
    }

    const splitStart = this.#leafSplitStart;
    const splitBranch = this.#splitBranch;
    const splitYes = this.#splitYes;
    const splitBit = this.#splitBit;
    const featureStart = this.#leafFeatureStart;
    const leafFeature = this.#leafFeature;
    const tableStart = this.#leafTableStart;
    const table = this.#leafTable;
    for (let k = 0; k < splitStart.length - 1; k++) {
      const f0 = featureStart[k]!;
      const d = featureStart[k + 1]! - f0;
      // Bit p: the row agrees with this leaf's path at every split on its p-th feature.
      let agrees = (1 << d) - 1;
      for (let s = splitStart[k]!; s < splitStart[k + 1]!; s++) {
        agrees &= ~(splitBit[s]! * (goes[splitBranch[s]!]! ^ splitYes[s]!));
      }
      const at = tableStart[k]! + agrees * d;
      for (let p = 0; p < d; p++) out[leafFeature[f0 + p]!]! += table[at + p]!;
    }

    let margin = this.expected;
    for (let f = 0; f < width; f++) margin += out[f]!;
    return margin;
  }
}

/** Trees tabled between two yields to the event loop in `TreeShap.build` (~0.2 ms each for the shipped trees). */
const TREES_PER_SLICE = 16;

/** What `TreeShap.build` works out tree by tree. */
interface TableParts {
  /** Branch nodes of each tree, in the order of `leafPaths`. */
  readonly branches: readonly number[][];
  /** Whether each tree has a whole-tree table (else its leaves have tables of their own). */
  readonly tabled: readonly boolean[];
  readonly treeFeatures: number[][];
  readonly treeTables: Float64Array[];
  readonly treeSizes: Tables;
  readonly untabled: { leaf: LeafPath; table: Float64Array }[];
  readonly leafSizes: Tables;
}

/** A leaf's own table over the row's agreement with its path. */
function leafTable(trees: TreeEnsemble, leaf: LeafPath): Float64Array {
  const d = leaf.features.length;
  if (d > MAX_PATH_FEATURES) throw new Error(`a path splits on ${d} distinct features (at most ${MAX_PATH_FEATURES})`);
  const table = new Float64Array(d * 2 ** d);
  fillLeafTable(leaf, trees.value[leaf.leaf]!, table, 0);
  return table;
}

/**
 * Tree t's tables: its leaves' own, or for a tabled tree one table over every combination of its split
 * outcomes, each row the sum of its leaves' rows for the agreements that combination means.
 */
function addTree(trees: TreeEnsemble, parts: TableParts, t: number, leaves: readonly LeafPath[]): void {
  const own = parts.branches[t]!;
  if (!parts.tabled[t]) {
    for (const leaf of leaves) {
      const table = leafTable(trees, leaf);
      parts.leafSizes.add(table.length);
      parts.untabled.push({ leaf, table });
    }
    return;
  }
  const features = [...new Set(own.map((node) => trees.feature[node]!))];
  const u = features.length;
  const table = new Float64Array(u * 2 ** own.length);
  parts.treeSizes.add(table.length);
  const local = new Map(own.map((node, i) => [node, i]));
  for (const leaf of leaves) {
    const d = leaf.features.length;
    if (d === 0) continue;
    const part = leafTable(trees, leaf);
    const column = leaf.features.map((f) => features.indexOf(f));
    for (let combo = 0; combo < 2 ** own.length; combo++) {
      let agrees = (1 << d) - 1;
      for (const s of leaf.splits) {
        if (((combo >> local.get(s.node)!) & 1) !== (s.yes ? 1 : 0)) agrees &= ~(1 << s.position);
      }
      for (let p = 0; p < d; p++) table[combo * u + column[p]!]! += part[agrees * d + p]!;
    }
  }
  parts.treeFeatures.push(features);
  parts.treeTables.push(table);
}

function cumulative(sizes: readonly number[]): number[] {
  const out = [0];
  for (const size of sizes) out.push(out.at(-1)! + size);
  return out;
}

function concat(parts: readonly Float64Array[], size: number): Float64Array {
  const out = new Float64Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
