import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FeatureError } from '../../../src/errors.ts';
import { FeatureExtractor } from '../../../src/core/features/feature-extractor.ts';
import { FEATURE_NAMES } from '../../../src/core/features/feature-names.ts';
import { checkFeatureSpec, parseFeatureSpec } from '../../../src/core/features/feature-spec.ts';
import { CardStore } from '../../../src/core/features/card-store.ts';
import { TerminalAggregate } from '../../../src/core/features/terminal-aggregate.ts';
import { SPEC } from './fixtures.ts';

const SPEC_FILE = new URL('../../../../../model/feature-spec.json', import.meta.url);

function isCode(code: string) {
  return (e: unknown) => e instanceof FeatureError && e.code === code;
}

test('model/feature-spec.json lists the features the code computes, in order, each described', () => {
  const spec = parseFeatureSpec(JSON.parse(readFileSync(SPEC_FILE, 'utf8')));
  checkFeatureSpec(spec);
  assert.deepEqual(
    spec.features.map((f) => f.name),
    [...FEATURE_NAMES],
  );
  assert.ok(spec.features.every((f) => f.description.length > 10));
  assert.deepEqual([spec.labelDelayDays, [...spec.windowsDays]], [7, [1, 7, 30]]);
});

test('a spec with the features in another order is a mismatch', () => {
  const [a, b, ...rest] = SPEC.features;
  assert.throws(() => checkFeatureSpec({ ...SPEC, features: [b!, a!, ...rest] }), isCode('SPEC_MISMATCH'));
  assert.throws(() => checkFeatureSpec({ ...SPEC, features: SPEC.features.slice(1) }), isCode('SPEC_MISMATCH'));
  assert.throws(() => checkFeatureSpec({ ...SPEC, labelDelayDays: 5 }), isCode('SPEC_MISMATCH'));
  assert.throws(() => checkFeatureSpec({ ...SPEC, windowsDays: [1, 7] }), isCode('SPEC_MISMATCH'));
});

test('the extractor refuses a spec that does not match the code', () => {
  const options = { cards: new CardStore(), terminals: new TerminalAggregate() };
  assert.throws(
    () => new FeatureExtractor({ ...SPEC, features: SPEC.features.slice(0, 3) }, options),
    isCode('SPEC_MISMATCH'),
  );
  assert.equal(new FeatureExtractor(SPEC, options).width, FEATURE_NAMES.length);
});

test('a malformed spec names the bad key', () => {
  assert.throws(() => parseFeatureSpec([]), isCode('SPEC_INVALID'));
  assert.throws(() => parseFeatureSpec({ ...SPEC, version: 3 }), /"version"/);
  assert.throws(() => parseFeatureSpec({ ...SPEC, windowsDays: [1, -7] }), /"windowsDays"/);
  assert.throws(() => parseFeatureSpec({ ...SPEC, features: [{ name: 'a' }, { name: 'a' }] }), /repeats a/);
  assert.throws(() => parseFeatureSpec({ ...SPEC, features: [{ description: 'x' }] }), /features\[0\]\.name/);
});
