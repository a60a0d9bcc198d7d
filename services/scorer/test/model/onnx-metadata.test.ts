import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOnnxMetadata, withOnnxMetadata } from '../../src/model/onnx-metadata.ts';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const len = (field: number, body: number[]) => [...varint(field * 8 + 2), ...varint(body.length), ...body];
const str = (s: string) => [...Buffer.from(s, 'utf8')];
const entry = (key: string, value: string) => len(14, [...len(1, str(key)), ...len(2, str(value))]);

test('metadata_props entries are read from a model around other fields of every wire type', () => {
  const model = Uint8Array.from([
    ...varint(1 * 8 + 0),
    ...varint(9), // ir_version (varint)
    ...len(2, str('skl2onnx')), // producer_name
    ...len(7, new Array<number>(300).fill(7)), // a "graph" longer than 127 bytes: two-byte length
    ...entry('feature_names', '["a","b"]'),
    ...[0x31, 1, 2, 3, 4, 5, 6, 7, 8], // field 6, fixed64
    ...entry('threshold_review', '0.25'),
    ...entry('model_version', 'lgbm-é'),
  ]);
  const meta = readOnnxMetadata(model);
  assert.deepEqual(Object.fromEntries(meta), {
    feature_names: '["a","b"]',
    threshold_review: '0.25',
    model_version: 'lgbm-é',
  });
});

test('a field running past the end of the file is an error, not a silent partial read', () => {
  const model = Uint8Array.from([...varint(14 * 8 + 2), ...varint(50), 1, 2, 3]);
  assert.throws(() => readOnnxMetadata(model), /runs past the end/);
});

test('appended metadata entries win over the earlier ones of their key and leave the others', () => {
  const model = Uint8Array.from([0x08, 0x07, ...entry('model_version', 'v1'), ...entry('threshold_review', '0.3')]);
  const renamed = withOnnxMetadata(model, { model_version: 'v2-ü', extra: 'x'.repeat(300) });
  assert.deepEqual(
    [...readOnnxMetadata(renamed)],
    [
      ['model_version', 'v2-ü'],
      ['threshold_review', '0.3'],
      ['extra', 'x'.repeat(300)],
    ],
  );
});
