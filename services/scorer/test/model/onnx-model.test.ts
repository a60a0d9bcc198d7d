import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { loadOnnxModel } from '../../src/model/onnx-model.ts';
import { modelVariant, shippedFeatureNames, shippedSpecVersion } from './model-variants.ts';

const expected = { featureNames: shippedFeatureNames(), specVersion: shippedSpecVersion() };

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-model-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the shipped model loads with its drift reference and its explainer', async (t) => {
  const model = await loadOnnxModel(modelVariant(scratch(t), 'm.onnx', {}), expected);
  t.after(() => model.close());
  const { driftReference, explainer } = model.info;
  assert.equal(driftReference?.features.length, expected.featureNames.length);
  assert.deepEqual(
    driftReference?.features.map((f) => f.name),
    expected.featureNames,
  );
  assert.ok(explainer !== null && explainer.trees.roots.length === 300);
});

test('a model without histograms or node counts serves, with no drift reference and no explanations', async (t) => {
  const path = modelVariant(scratch(t), 'older.onnx', { feature_histograms: '', tree_node_counts: '' });
  const model = await loadOnnxModel(path, expected);
  t.after(() => model.close());
  assert.equal(model.info.driftReference, null);
  assert.equal(model.info.explainer, null);
});

test('malformed histograms or node counts refuse the model with MODEL_MISMATCH and the reason', async (t) => {
  const dir = scratch(t);
  const cases: [Record<string, string>, RegExp][] = [
    [{ feature_histograms: '{"rows":1,"features":[]}' }, /feature_histograms: holds 0 features, the model has 34/],
    [{ feature_histograms: 'not json' }, /feature_histograms: /],
    [{ tree_node_counts: '[1,2,3]' }, /tree_node_counts: tree_node_counts has 3 entries, the model 3900 nodes/],
    [{ tree_node_counts: JSON.stringify(new Array(3900).fill(5)) }, /children's counts do not add up/],
  ];
  for (const [metadata, message] of cases) {
    await assert.rejects(loadOnnxModel(modelVariant(dir, 'bad.onnx', metadata), expected), (error: unknown) => {
      assert.equal((error as { code?: string }).code, 'MODEL_MISMATCH');
      assert.match((error as Error).message, message);
      return true;
    });
  }
});
