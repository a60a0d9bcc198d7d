import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOnnxMetadata } from '../../services/scorer/src/model/onnx-metadata.ts';

const MODEL_DIR = join(import.meta.dirname, '..');
const REQUIRED_KEYS = [
  'feature_names',
  'feature_spec_version',
  'model_version',
  'training_data_digest',
  'threshold_review',
  'threshold_decline',
];

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(join(MODEL_DIR, name), 'utf8')) as T;
}

test('the shipped model carries the metadata the scorer needs, matching the feature spec', async () => {
  const meta = readOnnxMetadata(await readFile(join(MODEL_DIR, 'fraud-model.onnx')));
  const spec = await readJson<{ version: string; features: { name: string }[] }>('feature-spec.json');
  for (const key of REQUIRED_KEYS) assert.ok(meta.get(key), `metadata ${key} is present and not empty`);
  assert.deepEqual(
    JSON.parse(meta.get('feature_names')!),
    spec.features.map((f) => f.name),
  );
  assert.equal(meta.get('feature_spec_version'), spec.version);
  assert.match(meta.get('model_version')!, /^lgbm-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/);
  assert.match(meta.get('training_data_digest')!, /^[0-9a-f]{64}$/);
  const review = Number(meta.get('threshold_review'));
  const decline = Number(meta.get('threshold_decline'));
  assert.ok(review >= 0 && review <= decline && decline <= 1, `0 <= review ${review} <= decline ${decline} <= 1`);
});

test('metrics.json and the model card describe the shipped model file', async () => {
  const bytes = await readFile(join(MODEL_DIR, 'fraud-model.onnx'));
  const meta = readOnnxMetadata(bytes);
  const metrics = await readJson<{ shipped: { sha256: string; model_version: string } }>('metrics.json');
  assert.equal(metrics.shipped.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(metrics.shipped.model_version, meta.get('model_version'));
  const card = await readFile(join(MODEL_DIR, 'MODEL_CARD.md'), 'utf8');
  assert.ok(card.includes(`\`${meta.get('model_version')!}\``), 'the card names the model version');
});
