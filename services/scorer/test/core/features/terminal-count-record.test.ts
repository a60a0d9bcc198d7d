import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeCountRecord,
  encodeCountKey,
  encodeCountValue,
} from '../../../src/core/features/terminal-count-record.ts';

test('a count record round-trips whatever characters the terminal id holds', () => {
  for (const terminalId of ['term-1', 'a|b|c', '', 'térm|ünï|😀', '1|2']) {
    const key = encodeCountKey(11, terminalId, 20_100);
    assert.deepEqual(decodeCountRecord(key, encodeCountValue(7)), { partition: 11, terminalId, day: 20_100, count: 7 });
  }
  assert.notDeepEqual(encodeCountKey(1, '2|3', 4), encodeCountKey(1, '2', 34), 'no separator to collide on');
});

test('a null value decodes as a deletion of the cell', () => {
  assert.deepEqual(decodeCountRecord(encodeCountKey(0, 'T', 5), null), {
    partition: 0,
    terminalId: 'T',
    day: 5,
    count: null,
  });
});

test('malformed keys and values decode as nothing instead of throwing', () => {
  const good = encodeCountKey(3, 'T', 5);
  const badUtf8 = Buffer.concat([good.subarray(0, 7), Buffer.from([0xff, 0xfe])]);
  const otherFormat = Buffer.from(good);
  otherFormat[0] = 2;
  for (const [key, value] of [
    [Buffer.from('instance-a|T|20100'), Buffer.from('3')],
    [null, encodeCountValue(1)],
    [good.subarray(0, 6), encodeCountValue(1)],
    [badUtf8, encodeCountValue(1)],
    [otherFormat, encodeCountValue(1)],
    [good, Buffer.from('3')],
    [good, Buffer.alloc(8)],
  ] as const) {
    assert.equal(decodeCountRecord(key, value), undefined);
  }
});

test('a key refuses a partition or day it cannot hold', () => {
  assert.throws(() => encodeCountKey(70_000, 'T', 1), RangeError);
  assert.throws(() => encodeCountKey(-1, 'T', 1), RangeError);
  assert.throws(() => encodeCountKey(1, 'T', -1), RangeError);
});
