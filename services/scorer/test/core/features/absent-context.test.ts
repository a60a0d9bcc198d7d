import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ABSENT_CONTEXT, type Transaction } from '../../../../../schemas/src/types.ts';
import { FEATURE_NAMES } from '../../../src/core/features/feature-names.ts';
import type { FeatureName } from '../../../src/core/features/feature-names.ts';
import { DAY0, HOUR, harness, tx } from './fixtures.ts';

/** The features that read a context field; the others see only card, terminal, amount and time. */
const CONTEXT_FEATURES: readonly FeatureName[] = [
  'distance_from_prev_km',
  'speed_from_prev_kmh',
  'card_cnp_small_count_1h',
  'channel_card_present',
  'channel_contactless',
  'channel_ecommerce',
  'channel_atm',
  'channel_moto',
  'channel_new_for_card',
  'device_new_for_card',
  'device_age_hours',
  'mcc_risk_group',
  'mcc_new_for_card',
  'country_changed',
];

/** The same card's day: a purchase, a contactless payment 20 km away, an e-commerce order. */
function day(context: Partial<Transaction>): Transaction[] {
  return [
    tx({ cardId: 'c', eventTime: DAY0 + 9 * HOUR, ...context }),
    tx({ cardId: 'c', eventTime: DAY0 + 10 * HOUR, channel: 'CONTACTLESS', terminalX: 30, ...context }),
    tx({
      cardId: 'c',
      eventTime: DAY0 + 11 * HOUR,
      channel: 'ECOMMERCE',
      deviceId: 'd1',
      amountMinor: 300,
      ...context,
    }),
  ];
}

test('without context the features that read it are NaN and the others are as with it', () => {
  const told = harness();
  const silent = harness();
  day({}).forEach((t, i) => {
    const full = told.run(t);
    const absent = silent.run(day(ABSENT_CONTEXT)[i]!);
    for (const name of FEATURE_NAMES) {
      if (CONTEXT_FEATURES.includes(name)) assert.ok(Number.isNaN(absent[name]), `${name} of row ${i} is NaN`);
      else assert.equal(absent[name], full[name], `${name} of row ${i}`);
    }
  });
});

test('absent is not zero: a told context gives no NaN, and its zeros stay zeros', () => {
  const h = harness();
  for (const t of day({})) {
    const row = h.run(t);
    assert.deepEqual(
      FEATURE_NAMES.filter((name) => Number.isNaN(row[name])),
      [],
    );
  }
  const first = harness().run(tx());
  assert.deepEqual([first.distance_from_prev_km, first.country_changed, first.channel_ecommerce], [0, 0, 0]);
});

test('a transaction without position leaves the card where it was last seen', () => {
  const h = harness();
  h.run(tx({ cardId: 'c', eventTime: DAY0 + 9 * HOUR, terminalX: 0, terminalY: 0 }));
  const unplaced = h.run(tx({ cardId: 'c', eventTime: DAY0 + 10 * HOUR, terminalX: null, terminalY: null }));
  assert.ok(Number.isNaN(unplaced.distance_from_prev_km) && Number.isNaN(unplaced.speed_from_prev_kmh));
  assert.equal(unplaced.channel_card_present, 1, 'the channel is still told');
  const next = h.run(tx({ cardId: 'c', eventTime: DAY0 + 11 * HOUR, terminalX: 6, terminalY: 8 }));
  assert.equal(next.distance_from_prev_km, 10, 'measured from the last told position');
  assert.equal(next.speed_from_prev_kmh, 5, 'over the two hours since it');
});

test('card not present needs no position: its distance is 0 with or without one', () => {
  const h = harness();
  const r = h.run(tx({ channel: 'MOTO', terminalX: null, terminalY: null }));
  assert.deepEqual([r.distance_from_prev_km, r.speed_from_prev_kmh], [0, 0]);
});

test("a card's first told country, after transactions without one, is no change of country", () => {
  const h = harness();
  h.run(tx({ cardId: 'c', eventTime: DAY0 + 9 * HOUR, terminalCountry: null }));
  assert.equal(h.run(tx({ cardId: 'c', eventTime: DAY0 + 10 * HOUR, terminalCountry: 'FR' })).country_changed, 0);
  assert.ok(
    Number.isNaN(h.run(tx({ cardId: 'c', eventTime: DAY0 + 11 * HOUR, terminalCountry: null })).country_changed),
  );
  assert.equal(h.run(tx({ cardId: 'c', eventTime: DAY0 + 12 * HOUR, terminalCountry: 'BE' })).country_changed, 1);
});

test('a device told without a channel is still known; an MCC or channel left out takes no slot', () => {
  const h = harness();
  const none = { cardId: 'c', channel: null, mcc: null, deviceId: 'd1' } as const;
  const first = h.run(tx({ ...none, eventTime: DAY0 + 9 * HOUR }));
  assert.deepEqual([first.device_new_for_card, first.device_age_hours], [1, 0]);
  const again = h.run(tx({ ...none, eventTime: DAY0 + 11 * HOUR }));
  assert.deepEqual([again.device_new_for_card, again.device_age_hours], [0, 2]);
  // The first told channel and MCC are new to the card, then known.
  const told = { cardId: 'c', channel: 'ATM', mcc: 6011 } as const;
  const r1 = h.run(tx({ ...told, eventTime: DAY0 + 12 * HOUR }));
  const r2 = h.run(tx({ ...told, eventTime: DAY0 + 13 * HOUR }));
  assert.deepEqual(
    [r1.channel_new_for_card, r1.mcc_new_for_card, r2.channel_new_for_card, r2.mcc_new_for_card],
    [1, 1, 0, 0],
  );
});
