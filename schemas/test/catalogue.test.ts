import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { loadCatalogue, SchemaCatalogue, SUBJECTS } from '../src/catalogue.ts';
import { ACTIONS, CHANNELS } from '../src/types.ts';
import { sampleDecision, sampleLabel, sampleTransaction } from './fixtures.ts';

const catalogue = loadCatalogue();

test('the catalogue keeps the published schema ids', () => {
  const ids = catalogue.entries().map((e) => [e.id, e.subject, e.version]);
  assert.deepEqual(ids, [
    [1, SUBJECTS.transaction, 1],
    [2, SUBJECTS.transaction, 2],
    [3, SUBJECTS.decision, 1],
    [4, SUBJECTS.label, 1],
    [5, SUBJECTS.decision, 2],
    [6, SUBJECTS.decision, 3],
    [7, SUBJECTS.transaction, 3],
  ]);
  assert.equal(catalogue.latest(SUBJECTS.transaction).id, 7);
  assert.equal(catalogue.latest(SUBJECTS.decision).id, 6);
});

test('the Avro schemas have exactly the fields of the TypeScript types', () => {
  const strict = { noUndeclaredFields: true };
  assert.ok(catalogue.latest(SUBJECTS.transaction).type.isValid(sampleTransaction(), strict));
  const absent = { mcc: null, channel: null, terminalCountry: null, terminalX: null, terminalY: null };
  assert.ok(catalogue.latest(SUBJECTS.transaction).type.isValid(sampleTransaction(absent), strict));
  assert.ok(catalogue.latest(SUBJECTS.decision).type.isValid(sampleDecision(), strict));
  assert.ok(catalogue.latest(SUBJECTS.label).type.isValid(sampleLabel(), strict));
});

test('the Avro enums list the same symbols as the TypeScript unions', () => {
  const tx = catalogue.latest(SUBJECTS.transaction).type.schema() as { fields: { name: string; type: unknown }[] };
  // Version 3: the channel is ['null', Channel].
  const channelUnion = tx.fields.find((f) => f.name === 'channel')?.type as unknown[];
  const channel = channelUnion.find((t) => typeof t === 'object') as { symbols: string[] };
  assert.deepEqual(channel.symbols, [...CHANNELS]);
  const decision = catalogue.latest(SUBJECTS.decision).type.schema() as { fields: { name: string; type: unknown }[] };
  const action = decision.fields.find((f) => f.name === 'action')?.type as { symbols: string[] };
  assert.deepEqual(action.symbols, [...ACTIONS]);
});

test('every field of every schema is documented', () => {
  for (const entry of catalogue.entries()) {
    const schema = entry.type.schema({ exportAttrs: true }) as { fields: { name: string; doc?: string }[] };
    for (const field of schema.fields) assert.ok(field.doc, `${entry.subject} v${entry.version} ${field.name}`);
  }
});

test('a catalogue that reuses an id or mislabels a subject is refused', () => {
  const type = avro.Type.forSchema({ type: 'record', name: 'fraudstream.Label', fields: [] });
  const entry = { id: 7, subject: 'fraudstream.Label', version: 1, type };
  assert.throws(() => new SchemaCatalogue([entry, { ...entry, version: 2 }]), { code: 'BAD_CATALOGUE' });
  assert.throws(() => new SchemaCatalogue([{ ...entry, subject: 'fraudstream.Other' }]), { code: 'BAD_CATALOGUE' });
  assert.throws(() => new SchemaCatalogue([entry, { ...entry, id: 8 }]), { code: 'BAD_CATALOGUE' });
});
