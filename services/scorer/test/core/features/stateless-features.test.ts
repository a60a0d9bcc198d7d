import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_COUNT } from '../../../src/core/features/feature-names.ts';
import { DAY, DAY0, HOUR, harness, named, tx } from './fixtures.ts';

test('amount is in major units', () => {
  assert.equal(harness().run(tx({ amountMinor: 12345 })).amount, Math.fround(123.45));
});

test('weekend and night come from the UTC time of the event', () => {
  const h = harness();
  const monday = h.run(tx({ eventTime: DAY0 + 6 * HOUR + 59 * 60_000 }));
  assert.deepEqual([monday.is_weekend, monday.is_night], [0, 1]);
  const saturday = h.run(tx({ eventTime: DAY0 + 5 * DAY + 7 * HOUR }));
  assert.deepEqual([saturday.is_weekend, saturday.is_night], [1, 0]);
  assert.equal(h.run(tx({ eventTime: DAY0 + 6 * DAY + 23 * HOUR })).is_weekend, 1, 'Sunday');
  assert.equal(h.run(tx({ eventTime: DAY0 + 7 * DAY })).is_weekend, 0, 'Monday again');
});

test('the channel is one-hot in CHANNELS order', () => {
  const r = harness().run(tx({ channel: 'ATM' }));
  assert.deepEqual(
    [r.channel_card_present, r.channel_contactless, r.channel_ecommerce, r.channel_atm, r.channel_moto],
    [0, 0, 0, 1, 0],
  );
});

test('the MCC risk group is ordinal', () => {
  const h = harness();
  assert.equal(h.run(tx({ mcc: 5411 })).mcc_risk_group, 0);
  assert.equal(h.run(tx({ mcc: 5969 })).mcc_risk_group, 1);
  assert.equal(h.run(tx({ mcc: 5732 })).mcc_risk_group, 2);
  assert.equal(h.run(tx({ mcc: 6051 })).mcc_risk_group, 3);
});

test('extract writes exactly its row at the offset', () => {
  const h = harness();
  const out = new Float32Array(3 * FEATURE_COUNT).fill(-7);
  h.extractor.extract(tx({ amountMinor: 500 }), out, FEATURE_COUNT);
  assert.ok(out.subarray(0, FEATURE_COUNT).every((v) => v === -7));
  assert.ok(out.subarray(2 * FEATURE_COUNT).every((v) => v === -7));
  assert.equal(named(out, FEATURE_COUNT).amount, 5);
  assert.ok(out.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT).every((v) => Number.isFinite(v) && v !== -7));
});
