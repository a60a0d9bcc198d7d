import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalogue, SUBJECTS } from '../src/catalogue.ts';
import { createSchemaCodecs } from '../src/codecs.ts';
import { HEADER_LENGTH, writeHeader } from '../src/framing.ts';
import { sampleDecision, sampleTransaction } from './fixtures.ts';

function frameWith(schemaId: number, value: unknown): Buffer {
  const catalogue = loadCatalogue();
  const writer = catalogue.byId(schemaId);
  assert.ok(writer);
  const body = writer.type.toBuffer(value);
  const buf = Buffer.alloc(HEADER_LENGTH + body.length);
  writeHeader(buf, schemaId);
  body.copy(buf, HEADER_LENGTH);
  return buf;
}

test('a transaction written with schema version 1 is read as the current version with null device fields', () => {
  const codecs = createSchemaCodecs();
  const v1 = codecs.catalogue.byId(1);
  assert.ok(v1 && v1.subject === SUBJECTS.transaction && v1.version === 1);
  assert.notEqual(codecs.transaction.schemaId, 1);

  const { deviceId: _d, ipAddress: _i, ...oldShape } = sampleTransaction();
  const decoded = codecs.transaction.decode(frameWith(1, oldShape));
  assert.deepEqual(decoded, { ...oldShape, deviceId: null, ipAddress: null });
});

test('the resolver for an old version is reused across records', () => {
  const codecs = createSchemaCodecs();
  const { deviceId: _d, ipAddress: _i, ...oldShape } = sampleTransaction();
  for (let i = 0; i < 3; i++) {
    const tx = codecs.transaction.decode(frameWith(1, { ...oldShape, amountMinor: i }));
    assert.equal(tx.amountMinor, i);
  }
});

test('every catalogued transaction version can be read by the current one', () => {
  const codecs = createSchemaCodecs();
  const current = codecs.catalogue.latest(SUBJECTS.transaction).type;
  for (const entry of codecs.catalogue.entries().filter((e) => e.subject === SUBJECTS.transaction)) {
    assert.doesNotThrow(() => current.createResolver(entry.type), `version ${entry.version}`);
  }
});

test('a decision written with schema version 1 is read as the current version with no challenger', () => {
  const codecs = createSchemaCodecs();
  const v1 = codecs.catalogue.byId(3);
  assert.ok(v1 && v1.subject === SUBJECTS.decision && v1.version === 1);
  assert.notEqual(codecs.decision.schemaId, 3);
  const { challenger: _c, ...oldShape } = sampleDecision();
  assert.deepEqual(codecs.decision.decode(frameWith(3, oldShape)), { ...oldShape, challenger: null });
});

test('a reader of decision version 1 reads the current version, challenger and all, without it', () => {
  const codecs = createSchemaCodecs();
  const written = codecs.decision.encode(sampleDecision({ challenger: { modelVersion: 'lgbm-next', score: 0.25 } }));
  const v1 = codecs.catalogue.byId(3)!.type;
  const current = codecs.catalogue.byId(codecs.decision.schemaId)!.type;
  const old = v1.fromBuffer(written.subarray(HEADER_LENGTH), v1.createResolver(current)) as Record<string, unknown>;
  const { challenger: _c, ...expected } = sampleDecision();
  assert.deepEqual({ ...old }, expected);
});

test('every catalogued decision version can be read by the current one, and the current by every older one', () => {
  const codecs = createSchemaCodecs();
  const current = codecs.catalogue.latest(SUBJECTS.decision).type;
  for (const entry of codecs.catalogue.entries().filter((e) => e.subject === SUBJECTS.decision)) {
    assert.doesNotThrow(() => current.createResolver(entry.type), `current reads version ${entry.version}`);
    assert.doesNotThrow(() => entry.type.createResolver(current), `version ${entry.version} reads the current`);
  }
});
