import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalogue, SUBJECTS } from '../src/catalogue.ts';
import { createSchemaCodecs } from '../src/codecs.ts';
import { HEADER_LENGTH, writeHeader } from '../src/framing.ts';
import { ABSENT_CONTEXT } from '../src/types.ts';
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

test('a transaction written with schema version 2 is read as version 3 with every field as it was sent', () => {
  const codecs = createSchemaCodecs();
  const v2 = codecs.catalogue.byId(2);
  assert.ok(v2 && v2.subject === SUBJECTS.transaction && v2.version === 2);
  assert.equal(codecs.transaction.schemaId, 7);
  for (const sent of [sampleTransaction(), sampleTransaction({ channel: 'CARD_PRESENT', deviceId: null })]) {
    assert.deepEqual(codecs.transaction.decode(frameWith(2, sent)), sent);
  }
});

test('version 2 cannot hold an absent context: a null MCC or channel is not a version 2 record', () => {
  const v2 = loadCatalogue().byId(2)!.type;
  assert.equal(v2.isValid(sampleTransaction({ mcc: null })), false);
  assert.equal(v2.isValid(sampleTransaction({ channel: null })), false);
});

test('a version 3 transaction without context round-trips with its context null, and so does one with part of it', () => {
  const codecs = createSchemaCodecs();
  for (const tx of [
    sampleTransaction(ABSENT_CONTEXT),
    sampleTransaction({ mcc: null, terminalCountry: null }),
    sampleTransaction({ terminalX: null, terminalY: null }),
  ]) {
    const framed = codecs.transaction.encode(tx);
    assert.equal(framed.readUInt32BE(1), 7);
    assert.deepEqual(codecs.transaction.decode(framed), tx);
  }
});

test('a version 2 reader cannot read version 3 at all (the order of upgrades: scorers first, then producers)', () => {
  // Backward compatible only: avsc refuses to resolve a nullable writer field into a required reader field, so
  // an un-upgraded consumer fails on the new producer's records whether or not they carry their context.
  const catalogue = loadCatalogue();
  const v2 = catalogue.byId(2)!.type;
  const v3 = catalogue.byId(7)!.type;
  assert.throws(() => v2.createResolver(v3), /cannot read "null" as "int"/);
  assert.doesNotThrow(() => v3.createResolver(v2));
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
  const { challenger: _c, explanation: _e, ...oldShape } = sampleDecision();
  assert.deepEqual(codecs.decision.decode(frameWith(3, oldShape)), {
    ...oldShape,
    challenger: null,
    explanation: null,
  });
});

test('a decision written with schema version 2 is read as the current version with no explanation', () => {
  const codecs = createSchemaCodecs();
  const v2 = codecs.catalogue.byId(5);
  assert.ok(v2 && v2.subject === SUBJECTS.decision && v2.version === 2);
  const { explanation: _e, ...oldShape } = sampleDecision({ challenger: { modelVersion: 'lgbm-next', score: 0.25 } });
  assert.deepEqual(codecs.decision.decode(frameWith(5, oldShape)), { ...oldShape, explanation: null });
});

test('readers of decision versions 1 and 2 read the current version, without what they do not know', () => {
  const codecs = createSchemaCodecs();
  const explained = sampleDecision({
    challenger: { modelVersion: 'lgbm-next', score: 0.25 },
    explanation: {
      expectedValue: -4.5,
      margin: 0.5,
      contributions: [{ feature: 'terminal_risk_7d', value: 0.75, contribution: 3.25 }],
    },
  });
  const written = codecs.decision.encode(explained).subarray(HEADER_LENGTH);
  const current = codecs.catalogue.byId(codecs.decision.schemaId)!.type;
  const read = (id: number): Record<string, unknown> => {
    const old = codecs.catalogue.byId(id)!.type;
    return { ...(old.fromBuffer(written, old.createResolver(current)) as Record<string, unknown>) };
  };
  const { challenger, explanation: _e, ...v1Shape } = explained;
  assert.deepEqual(read(3), v1Shape);
  assert.deepEqual(read(5), { ...v1Shape, challenger: { ...challenger } });
  assert.deepEqual(codecs.decision.decode(codecs.decision.encode(explained)), explained);
});

test('every catalogued decision version can be read by the current one, and the current by every older one', () => {
  const codecs = createSchemaCodecs();
  const current = codecs.catalogue.latest(SUBJECTS.decision).type;
  for (const entry of codecs.catalogue.entries().filter((e) => e.subject === SUBJECTS.decision)) {
    assert.doesNotThrow(() => current.createResolver(entry.type), `current reads version ${entry.version}`);
    assert.doesNotThrow(() => entry.type.createResolver(current), `version ${entry.version} reads the current`);
  }
});
