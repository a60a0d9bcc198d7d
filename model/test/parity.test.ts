import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';

// The shipped model and the probabilities Python onnxruntime gave for these rows when training exported it.
const MODEL_DIR = join(import.meta.dirname, '..');
const MODEL_PATH = join(MODEL_DIR, 'fraud-model.onnx');
const GOLDEN_PATH = join(MODEL_DIR, 'golden', 'parity.json');
const SPEC_PATH = join(MODEL_DIR, 'feature-spec.json');
const TOLERANCE = 1e-5;
// The scorer's micro-batch bound: rows must score the same whatever batch they arrive in.
const SERVING_BATCH = 64;

interface Golden {
  feature_names: string[];
  rows: number[][];
  probabilities: number[];
}

async function readGolden(): Promise<Golden> {
  // JSON has no NaN: a feature whose input the feed did not send is written as null.
  const file = JSON.parse(await readFile(GOLDEN_PATH, 'utf8')) as Omit<Golden, 'rows'> & { rows: (number | null)[][] };
  const golden = { ...file, rows: file.rows.map((row) => row.map((v) => v ?? NaN)) };
  assert.ok(golden.rows.length > 0, 'the golden file has rows');
  assert.equal(golden.rows.length, golden.probabilities.length, 'one probability per golden row');
  return golden;
}

async function openSession(): Promise<InferenceSession> {
  return InferenceSession.create(MODEL_PATH, { intraOpNumThreads: 1 });
}

/** Fraud probabilities (column 1 of `probabilities`) of rows[from, to). */
async function score(session: InferenceSession, rows: number[][], from: number, to: number): Promise<Float32Array> {
  const width = rows[0]?.length ?? 0;
  const input = new Float32Array((to - from) * width);
  for (let r = from; r < to; r++) input.set(rows[r]!, (r - from) * width);
  const result = await session.run({ features: new Tensor('float32', input, [to - from, width]) }, ['probabilities']);
  const probabilities = result['probabilities'];
  assert.ok(probabilities, 'the model has an output named probabilities');
  assert.deepEqual(probabilities.dims, [to - from, 2]);
  const data = probabilities.data as Float32Array;
  return Float32Array.from({ length: to - from }, (_, i) => data[2 * i + 1]!);
}

function assertMatches(golden: Golden, scores: Float32Array, offset: number): void {
  const misses: string[] = [];
  scores.forEach((p, i) => {
    const expected = golden.probabilities[offset + i]!;
    if (!(Math.abs(p - expected) <= TOLERANCE)) misses.push(`row ${offset + i}: node ${p}, python ${expected}`);
  });
  assert.deepEqual(misses, [], `${misses.length} rows differ by more than ${TOLERANCE}`);
}

test('the golden rows are laid out in the feature order of the spec', async () => {
  const golden = await readGolden();
  const spec = JSON.parse(await readFile(SPEC_PATH, 'utf8')) as { features: { name: string }[] };
  assert.deepEqual(
    golden.feature_names,
    spec.features.map((f) => f.name),
  );
  for (const row of golden.rows) assert.equal(row.length, golden.feature_names.length);
});

test('the golden rows include rows without context, whose missing features are NaN', async () => {
  const golden = await readGolden();
  const absent = golden.rows.filter((row) => row.some(Number.isNaN));
  assert.ok(absent.length >= 20, `${absent.length} rows with NaN`);
});

test('onnxruntime-node scores every golden row as Python onnxruntime did, in one batch', async (t) => {
  const golden = await readGolden();
  const session = await openSession();
  t.after(() => session.release());
  assertMatches(golden, await score(session, golden.rows, 0, golden.rows.length), 0);
});

test('onnxruntime-node scores every golden row as Python onnxruntime did, in serving-sized batches', async (t) => {
  const golden = await readGolden();
  const session = await openSession();
  t.after(() => session.release());
  for (let from = 0; from < golden.rows.length; from += SERVING_BATCH) {
    const to = Math.min(from + SERVING_BATCH, golden.rows.length);
    assertMatches(golden, await score(session, golden.rows, from, to), from);
  }
});
