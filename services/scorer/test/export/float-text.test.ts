import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float32Text } from '../../src/export/float-text.ts';

test('float32 values print short and read back to the same float32', () => {
  assert.equal(float32Text(Math.fround(123.45)), '123.45');
  assert.equal(float32Text(Math.fround(0.1)), '0.1');
  assert.equal(float32Text(2592000), '2592000');
  assert.equal(float32Text(0), '0');
  for (const v of [1 / 3, 2 / 3, 1e-7, 12345.678, 3.4e38, -0.000123, 16777217, 98765.4321]) {
    const f = Math.fround(v);
    const text = float32Text(f);
    assert.equal(Math.fround(Number(text)), f, `${v} -> ${text}`);
    assert.ok(text.replace(/^-|\.|e.*$/g, '').replace(/^0+/, '').length <= 9, text);
  }
});

test('NaN, a feature whose input the feed did not send, prints as NaN (model/training/data.py reads it as missing)', () => {
  assert.equal(float32Text(Number.NaN), 'NaN');
});
