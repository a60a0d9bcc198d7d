import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_OUTPUT_LIMITS } from '../../../src/core/limits.ts';
import type { OutputLimits } from '../../../src/core/limits.ts';
import { DLQ_HEADERS, deadLetter } from '../../../src/core/scoring/dead-letter.ts';
import type { InRecord, OutRecord, RecordHeaders } from '../../../src/core/scoring/records.ts';
import { ValidationError } from '../../../src/errors.ts';

function record(overrides: Partial<InRecord> = {}): InRecord {
  return {
    topic: 'transactions',
    partition: 3,
    offset: '42',
    timestamp: 1_700_000_000_000,
    key: Buffer.from('card-a'),
    value: Buffer.from([0, 0, 0, 0, 1, 9, 9]),
    headers: [['trace', Buffer.from('t-1')]],
    ...overrides,
  };
}

const failure = new ValidationError('AMOUNT_INVALID', 'amountMinor', 'amountMinor must be a non-negative integer');

function header(out: OutRecord, name: string): string | undefined {
  const found = out.headers.filter(([n]) => n === name);
  assert.ok(found.length <= 1, `${name} appears ${found.length} times`);
  return found[0]?.[1].toString('utf8');
}

/** The record's size on the wire as the broker counts it, with the dead-letter module's widest framing. */
function wireBytes(out: OutRecord): number {
  let bytes = 128 + (out.key === null ? 0 : Buffer.byteLength(out.key)) + (out.value?.length ?? 0);
  for (const [name, value] of out.headers) bytes += 10 + Buffer.byteLength(name) + value.length;
  return bytes;
}

test('a dead letter keeps the original key, bytes and headers and says where it came from and why', () => {
  const rec = record();
  const out = deadLetter(rec, 'transactions.dlq', 'validate', failure);
  assert.equal(out.topic, 'transactions.dlq');
  assert.equal(out.key, rec.key);
  assert.equal(out.value, rec.value);
  assert.deepEqual(out.headers[0], ['trace', Buffer.from('t-1')]);
  assert.equal(header(out, DLQ_HEADERS.topic), 'transactions');
  assert.equal(header(out, DLQ_HEADERS.partition), '3');
  assert.equal(header(out, DLQ_HEADERS.offset), '42');
  assert.equal(header(out, DLQ_HEADERS.timestamp), '1700000000000');
  assert.equal(header(out, DLQ_HEADERS.stage), 'validate');
  assert.equal(header(out, DLQ_HEADERS.errorClass), 'ValidationError');
  assert.equal(header(out, DLQ_HEADERS.errorCode), 'AMOUNT_INVALID');
  assert.equal(header(out, DLQ_HEADERS.errorMessage), failure.message);
  for (const name of [DLQ_HEADERS.headersDropped, DLQ_HEADERS.keyTruncated, DLQ_HEADERS.valueTruncated]) {
    assert.equal(header(out, name), undefined, `${name} only when something was cut`);
  }
});

test('a value too large for the broker is cut so the whole dead letter fits, and a header gives its length', () => {
  const limits: OutputLimits = { ...DEFAULT_OUTPUT_LIMITS, maxMessageBytes: 100_000 };
  for (const size of [99_900, 100_000, 1_000_000]) {
    const value = Buffer.alloc(size, 7);
    const out = deadLetter(record({ value }), 'dlq', 'decode', new Error('x'), limits);
    assert.equal(header(out, DLQ_HEADERS.valueTruncated), String(size));
    assert.ok(out.value !== null && out.value.length > 90_000 && out.value.length < size);
    assert.deepEqual(out.value, value.subarray(0, out.value.length), 'the value is cut, not changed');
    assert.ok(wireBytes(out) <= limits.maxMessageBytes, `${wireBytes(out)} bytes`);
  }
  const fits = deadLetter(record({ value: Buffer.alloc(90_000) }), 'dlq', 'decode', new Error('x'), limits);
  assert.equal(fits.value?.length, 90_000);
  assert.equal(header(fits, DLQ_HEADERS.valueTruncated), undefined);
});

test('a value just under the default limit plus the dead-letter headers still fits the default limit', () => {
  const value = Buffer.alloc(DEFAULT_OUTPUT_LIMITS.maxMessageBytes - 200, 1);
  const long = Object.assign(new Error('m'.repeat(5000)), { code: 'MALFORMED' });
  const out = deadLetter(record({ value }), 'dlq', 'decode', long);
  assert.ok(wireBytes(out) <= DEFAULT_OUTPUT_LIMITS.maxMessageBytes);
  assert.equal(header(out, DLQ_HEADERS.valueTruncated), String(value.length));
  assert.equal(header(out, DLQ_HEADERS.errorMessage)?.length, 1000, 'the message is bounded');
});

test('an oversized key is cut to the bound, with a header giving its length', () => {
  const key = Buffer.alloc(1_000_000, 0x61);
  const out = deadLetter(record({ key }), 'dlq', 'validate', failure);
  assert.ok(Buffer.isBuffer(out.key));
  assert.equal(out.key.length, DEFAULT_OUTPUT_LIMITS.maxKeyBytes);
  assert.equal(header(out, DLQ_HEADERS.keyTruncated), '1000000');
  const nullKey = deadLetter(record({ key: null }), 'dlq', 'validate', failure);
  assert.equal(nullKey.key, null);
});

test('the original headers are copied up to a count and a byte bound, the rest counted as dropped', () => {
  const many: RecordHeaders = Array.from({ length: 200 }, (_, i) => ['h', Buffer.from(String(i))] as const);
  const out = deadLetter(record({ headers: many }), 'dlq', 'decode', new Error('x'));
  const copied = out.headers.filter(([n]) => n === 'h');
  assert.equal(copied.length, DEFAULT_OUTPUT_LIMITS.maxHeaders);
  assert.deepEqual(
    copied.map(([, v]) => v.toString()),
    Array.from({ length: DEFAULT_OUTPUT_LIMITS.maxHeaders }, (_, i) => String(i)),
    'in wire order, duplicates kept',
  );
  assert.equal(header(out, DLQ_HEADERS.headersDropped), String(200 - DEFAULT_OUTPUT_LIMITS.maxHeaders));

  const big: RecordHeaders = [
    ['small', Buffer.from([0xff, 0x00, 0xfe])],
    ['huge', Buffer.alloc(DEFAULT_OUTPUT_LIMITS.maxHeaderBytes)],
    ['x'.repeat(100_000), Buffer.alloc(0)],
    ['after', Buffer.alloc(0)],
  ];
  const bounded = deadLetter(record({ headers: big }), 'dlq', 'decode', new Error('x'));
  assert.deepEqual(
    bounded.headers.filter(([n]) => !n.startsWith('dlq.')).map(([n]) => n),
    ['small', 'after'],
  );
  assert.deepEqual(bounded.headers[0]![1], Buffer.from([0xff, 0x00, 0xfe]), 'binary values copied as they are');
  assert.equal(header(bounded, DLQ_HEADERS.headersDropped), '2');
});

test('original headers in the dlq. namespace are dropped so they cannot pass for this dead letter', () => {
  const forged: RecordHeaders = [
    [DLQ_HEADERS.stage, Buffer.from('none')],
    [DLQ_HEADERS.errorCode, Buffer.from('OK')],
  ];
  const out = deadLetter(record({ headers: forged }), 'dlq', 'decode', new Error('x'));
  assert.equal(header(out, DLQ_HEADERS.stage), 'decode');
  assert.equal(header(out, DLQ_HEADERS.errorCode), 'UNKNOWN');
  assert.equal(header(out, DLQ_HEADERS.headersDropped), '2');
});

test('a record rejected for a card number keeps neither its key nor its value', () => {
  const pan = Buffer.from('4111111111111111');
  const error = new ValidationError('ID_LOOKS_LIKE_PAN', 'cardId', 'cardId looks like a card number');
  const out = deadLetter(record({ key: pan, value: Buffer.concat([pan, pan]) }), 'dlq', 'validate', error);
  assert.equal(out.key, null);
  assert.equal(out.value, null);
  assert.equal(header(out, DLQ_HEADERS.redacted), 'key,value');
  assert.equal(header(out, DLQ_HEADERS.offset), '42', 'the original can still be found');
  for (const [, value] of out.headers) assert.ok(!value.includes(pan));
});

test('anything thrown, even a non-error, becomes a dead letter with code UNKNOWN and its message withheld', () => {
  const out = deadLetter(record(), 'dlq', 'features', 'boom card-1234');
  assert.equal(header(out, DLQ_HEADERS.errorCode), 'UNKNOWN');
  assert.match(header(out, DLQ_HEADERS.errorMessage) ?? '', /^message withheld/);
  const library = deadLetter(record(), 'dlq', 'encode', new TypeError('invalid "double": 123.45'));
  assert.match(
    header(library, DLQ_HEADERS.errorMessage) ?? '',
    /^message withheld/,
    "a library's message may quote a value",
  );
  assert.equal(header(out, DLQ_HEADERS.errorClass), 'Error');
});
