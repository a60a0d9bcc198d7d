import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchemaCodecs } from '../src/codecs.ts';
import { SchemaError } from '../src/errors.ts';
import { sampleDecision, sampleLabel, sampleTransaction } from './fixtures.ts';

const codecs = createSchemaCodecs();

function rejects(buf: Buffer, code: string): void {
  assert.throws(
    () => codecs.transaction.decode(buf),
    (error: unknown) => error instanceof SchemaError && error.code === code,
  );
}

test('a transaction survives an encode/decode round trip unchanged', () => {
  const tx = sampleTransaction();
  assert.deepEqual(codecs.transaction.decode(codecs.transaction.encode(tx)), tx);
});

test('a card-present transaction keeps its null device and IP fields', () => {
  const tx = sampleTransaction({ channel: 'CONTACTLESS', deviceId: null, ipAddress: null });
  assert.deepEqual(codecs.transaction.decode(codecs.transaction.encode(tx)), tx);
});

test('an explanation may list a feature left NaN by an absent context, and it round-trips as NaN', () => {
  const explained = sampleDecision({
    explanation: {
      expectedValue: -4.5,
      margin: 0.5,
      contributions: [{ feature: 'mcc_risk_group', value: Number.NaN, contribution: 1.25 }],
    },
  });
  const back = codecs.decision.decode(codecs.decision.encode(explained));
  assert.ok(Number.isNaN(back.explanation?.contributions[0]?.value));
});

test('a context field left undefined is written as null (avsc unwrapped unions): readers see it absent', () => {
  const undefinedMcc = { ...sampleTransaction(), mcc: undefined } as unknown as Parameters<
    typeof codecs.transaction.encode
  >[0];
  assert.equal(codecs.transaction.decode(codecs.transaction.encode(undefinedMcc)).mcc, null);
});

test('decisions and labels survive a round trip unchanged', () => {
  const decision = sampleDecision({ reasons: [] });
  assert.deepEqual(codecs.decision.decode(codecs.decision.encode(decision)), decision);
  const challenged = sampleDecision({ challenger: { modelVersion: 'next', score: 0.125 } });
  assert.deepEqual(codecs.decision.decode(codecs.decision.encode(challenged)), challenged, 'nested records are plain');
  const label = sampleLabel();
  assert.deepEqual(codecs.label.decode(codecs.label.encode(label)), label);
});

test('encoded records start with the Confluent header: magic byte 0 and the big-endian schema id', () => {
  const buf = codecs.label.encode(sampleLabel());
  assert.equal(buf[0], 0);
  assert.equal(buf.readUInt32BE(1), codecs.label.schemaId);
  assert.deepEqual([...buf.subarray(0, 5)], [0, 0, 0, 0, 4]);
});

test('successive encodes return independent buffers although the codec reuses its scratch space', () => {
  const first = codecs.transaction.encode(sampleTransaction({ transactionId: 'first' }));
  codecs.transaction.encode(sampleTransaction({ transactionId: 'second-and-longer' }));
  assert.equal(codecs.transaction.decode(first).transactionId, 'first');
});

test('records larger than the scratch buffer are encoded whole', () => {
  const reasons = Array.from({ length: 2000 }, (_, i) => `REASON_${i}`);
  const decision = sampleDecision({ reasons });
  assert.deepEqual(codecs.decision.decode(codecs.decision.encode(decision)).reasons, reasons);
});

test('a wrong magic byte is rejected as BAD_MAGIC', () => {
  const buf = codecs.transaction.encode(sampleTransaction());
  buf[0] = 1;
  rejects(buf, 'BAD_MAGIC');
});

test('a schema id missing from the catalogue is rejected as UNKNOWN_SCHEMA', () => {
  const buf = codecs.transaction.encode(sampleTransaction());
  buf.writeUInt32BE(999, 1);
  rejects(buf, 'UNKNOWN_SCHEMA');
});

test('a record of another subject is rejected as SCHEMA_MISMATCH', () => {
  rejects(codecs.label.encode(sampleLabel()), 'SCHEMA_MISMATCH');
});

test('a record cut anywhere is rejected as TRUNCATED or MALFORMED, never decoded', () => {
  const buf = codecs.transaction.encode(sampleTransaction());
  const codes = new Set<string>();
  for (let length = 0; length < buf.length; length++) {
    assert.throws(
      () => codecs.transaction.decode(buf.subarray(0, length)),
      (error: unknown) => {
        if (!(error instanceof SchemaError)) return false;
        codes.add(error.code);
        return error.code === 'TRUNCATED' || error.code === 'MALFORMED';
      },
      `cut at ${length}`,
    );
  }
  assert.ok(codes.has('TRUNCATED'));
});

test('a header with no body and a body cut inside a string are TRUNCATED', () => {
  const buf = codecs.transaction.encode(sampleTransaction());
  rejects(buf.subarray(0, 3), 'TRUNCATED');
  rejects(buf.subarray(0, 10), 'TRUNCATED');
});

test('bytes after the record are rejected as TRAILING_BYTES', () => {
  rejects(Buffer.concat([codecs.transaction.encode(sampleTransaction()), Buffer.from([0])]), 'TRAILING_BYTES');
});

test('a record that does not match the schema is refused at encode time as INVALID_RECORD', () => {
  const bad = { ...sampleTransaction(), channel: 'TELEPATHY' } as unknown as Parameters<
    typeof codecs.transaction.encode
  >[0];
  assert.throws(
    () => codecs.transaction.encode(bad),
    (error: unknown) =>
      error instanceof SchemaError && error.code === 'INVALID_RECORD' && /channel/.test(error.message),
  );
  assert.throws(() => codecs.decision.encode(sampleDecision({ latencyUs: 12.5 })), { code: 'INVALID_RECORD' });
});
