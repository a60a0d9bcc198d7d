import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { goesYes } from '../../../src/core/explain/tree-ensemble.ts';
import type { TreeEnsemble } from '../../../src/core/explain/tree-ensemble.ts';
import { TreeShap } from '../../../src/core/explain/tree-shap.ts';
import type { TreeShapOptions } from '../../../src/core/explain/tree-shap.ts';
import { readOnnxMetadata } from '../../../src/model/onnx-metadata.ts';
import { readTreeEnsemble } from '../../../src/model/onnx-trees.ts';

const MODEL = new URL('../../../../../model/fraud-model.onnx', import.meta.url);
const GOLDEN = new URL('../../../../../model/golden/contributions.json.gz', import.meta.url);

interface Golden {
  feature_names: string[];
  rows: number[][];
  /** Per row: one per feature, then LightGBM's expected value. */
  contributions: number[][];
  margins: number[];
}

const TOLERANCE = 1e-5;

/** The margin the trees give a row: the sum of the leaves it reaches. */
function marginOf(trees: TreeEnsemble, row: Float32Array): number {
  let sum = 0;
  for (const root of trees.roots) {
    let node = root;
    while (trees.feature[node]! >= 0)
      node = goesYes(trees, node, row[trees.feature[node]!]!) ? trees.yes[node]! : trees.no[node]!;
    sum += trees.value[node]!;
  }
  return sum;
}

// JSON has no NaN: a feature whose input the feed did not send is written as null.
const file = JSON.parse(gunzipSync(readFileSync(GOLDEN)).toString('utf8')) as Omit<Golden, 'rows'> & {
  rows: (number | null)[][];
};
const golden: Golden = { ...file, rows: file.rows.map((row) => row.map((v) => v ?? NaN)) };

/** The shipped model's TreeSHAP against LightGBM's on every golden row. */
async function assertParity(options: TreeShapOptions): Promise<void> {
  const bytes = readFileSync(MODEL);
  const width = golden.feature_names.length;
  const counts: unknown = JSON.parse(readOnnxMetadata(bytes).get('tree_node_counts')!);
  const shap = await TreeShap.build(readTreeEnsemble(bytes, width, counts), options);
  assert.ok(golden.rows.length >= 10_000, `${golden.rows.length} rows`);

  const row = new Float32Array(width);
  const phi = new Float64Array(width);
  let worst = { diff: 0, row: -1, column: -1 };
  let worstMargin = 0;
  let worstSum = 0;
  golden.rows.forEach((values, r) => {
    row.set(values);
    const margin = shap.explain(row, 0, phi);
    const expected = golden.contributions[r]!;
    for (let f = 0; f <= width; f++) {
      const diff = Math.abs((f < width ? phi[f]! : shap.expected) - expected[f]!);
      if (diff > worst.diff) worst = { diff, row: r, column: f };
    }
    // Contributions plus the expected value are the margin: LightGBM's, and the ONNX trees' own.
    worstMargin = Math.max(worstMargin, Math.abs(margin - golden.margins[r]!));
    worstSum = Math.max(worstSum, Math.abs(margin - marginOf(shap.trees, row)));
  });
  assert.ok(worst.diff <= TOLERANCE, `row ${worst.row} column ${worst.column}: off by ${worst.diff}`);
  assert.ok(worstMargin <= TOLERANCE, `margin off LightGBM's by ${worstMargin}`);
  assert.ok(worstSum <= 1e-9, `contributions + expected value off the trees' margin by ${worstSum}`);
}

test("the golden rows include rows without context, where NaN takes each split's missing-value branch", () => {
  const absent = golden.rows.filter((row) => row.some(Number.isNaN)).length;
  assert.ok(absent >= 500, `${absent} rows with NaN`);
});

test("TreeSHAP over the shipped model's ONNX trees equals LightGBM's pred_contrib on 10,000 rows to 1e-5", async () => {
  // Every shipped tree has 6 splits: each is tabled whole.
  await assertParity({});
});

test('so does TreeSHAP by per-leaf tables, the way trees of more splits than maxTreeBranches are explained', async () => {
  await assertParity({ maxTreeBranches: 0 });
});
