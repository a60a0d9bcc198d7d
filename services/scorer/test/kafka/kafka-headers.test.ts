import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromKafkaHeaders, toKafkaHeaders } from '../../src/kafka/kafka-headers.ts';

test('fetched headers keep order and repeated names; null names and values become empty', () => {
  const got = fromKafkaHeaders([
    [Buffer.from('a'), Buffer.from('1')],
    [Buffer.from('dup'), Buffer.from('x')],
    [Buffer.from('dup'), Buffer.from('y')],
    [Buffer.from('nothing'), null],
    [null, Buffer.from('v')],
  ]);
  assert.deepEqual(
    got.map(([n, v]) => [n, v.toString()]),
    [
      ['a', '1'],
      ['dup', 'x'],
      ['dup', 'y'],
      ['nothing', ''],
      ['', 'v'],
    ],
  );
  assert.deepEqual(fromKafkaHeaders(undefined), []);
});

test('headers sent keep repeated names and order (a Map keyed by one Buffer per header)', () => {
  const sent = toKafkaHeaders([
    ['dup', Buffer.from('x')],
    ['__proto__', Buffer.from('p')],
    ['dup', Buffer.from('y')],
  ])!;
  assert.deepEqual(
    [...sent].map(([n, v]) => [n.toString(), v.toString()]),
    [
      ['dup', 'x'],
      ['__proto__', 'p'],
      ['dup', 'y'],
    ],
  );
  assert.equal(toKafkaHeaders([]), undefined);
});
