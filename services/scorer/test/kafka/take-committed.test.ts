import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeCommitted, type FetchedRecord } from '../../src/kafka/partition-reader.ts';

type Response = Parameters<typeof takeCommitted>[0];
const TRANSACTIONAL = 0b1_0000;
const CONTROL = 0b10_0000;

/** A control record's key: version 0, then the type (0 abort, 1 commit). */
const marker = (type: 0 | 1) => Buffer.from([0, 0, 0, type]);

function data(producerId: bigint, firstOffset: bigint, values: string[]) {
  return {
    firstOffset,
    lastOffsetDelta: values.length - 1,
    attributes: TRANSACTIONAL,
    producerId,
    firstTimestamp: 0n,
    records: values.map((v, i) => ({
      offsetDelta: i,
      timestampDelta: 0n,
      key: null,
      value: Buffer.from(v),
      headers: [],
    })),
  };
}

function control(producerId: bigint, offset: bigint, type: 0 | 1) {
  return {
    firstOffset: offset,
    lastOffsetDelta: 0,
    attributes: TRANSACTIONAL | CONTROL,
    producerId,
    firstTimestamp: 0n,
    records: [{ offsetDelta: 0, timestampDelta: 0n, key: marker(type), value: Buffer.alloc(2), headers: [] }],
  };
}

function take(response: object, position = 0n, end = 1_000n): { values: string[]; next: bigint } {
  const values: string[] = [];
  const next = takeCommitted(response as Response, position, end, (r: FetchedRecord) =>
    values.push(r.value!.toString()),
  );
  return { values, next };
}

test('one producer that aborted twice in a response: neither aborted transaction passes, the commit between does', () => {
  // The same transactional id keeps its producer id across epochs: abort, commit, abort, all producer 7.
  const response = {
    abortedTransactions: [
      { producerId: 7n, firstOffset: 0n },
      { producerId: 7n, firstOffset: 6n },
    ],
    records: [
      data(7n, 0n, ['a1', 'a2']),
      control(7n, 2n, 0),
      data(7n, 3n, ['c1', 'c2']),
      control(7n, 5n, 1),
      data(7n, 6n, ['b1']),
      control(7n, 7n, 0),
      data(7n, 8n, ['c3']),
      control(7n, 9n, 1),
    ],
  };
  assert.deepEqual(take(response), { values: ['c1', 'c2', 'c3'], next: 10n });
});

test('a response that ends inside an aborted transaction passes none of it and goes on after it', () => {
  const response = {
    abortedTransactions: [{ producerId: 3n, firstOffset: 2n }],
    records: [data(4n, 0n, ['x1', 'x2']), data(3n, 2n, ['a1', 'a2'])],
  };
  assert.deepEqual(take(response), { values: ['x1', 'x2'], next: 4n });
  // The next response begins inside it, with the marker, then another producer's committed records.
  const rest = {
    abortedTransactions: [{ producerId: 3n, firstOffset: 2n }],
    records: [data(3n, 4n, ['a3']), control(3n, 5n, 0), data(4n, 6n, ['x3']), control(4n, 7n, 1)],
  };
  assert.deepEqual(take(rest, 4n), { values: ['x3'], next: 8n });
});

test('interleaved producers: only the aborting one is skipped, and only from its first aborted offset', () => {
  const response = {
    abortedTransactions: [{ producerId: 1n, firstOffset: 2n }],
    records: [
      data(1n, 0n, ['p1-committed']),
      control(1n, 1n, 1),
      data(1n, 2n, ['p1-aborted']),
      data(2n, 3n, ['p2']),
      control(1n, 4n, 0),
      control(2n, 5n, 1),
    ],
  };
  assert.deepEqual(take(response), { values: ['p1-committed', 'p2'], next: 6n });
});

test('records before the position and from the end on are not handed over', () => {
  const response = { abortedTransactions: [], records: [data(1n, 0n, ['r0', 'r1', 'r2', 'r3'])] };
  assert.deepEqual(take(response, 1n, 3n), { values: ['r1', 'r2'], next: 3n });
});
