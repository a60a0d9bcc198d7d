import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, DAY0, HOUR, harness, tx } from './fixtures.ts';

const SEC = 1000;

test('the last-hour count covers (t - 3600 s, t] and includes the current transaction', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0 }));
  assert.equal(h.run(tx({ eventTime: DAY0 + 3599 * SEC })).card_tx_count_1h, 2);
  assert.equal(h.run(tx({ eventTime: DAY0 + 3600 * SEC })).card_tx_count_1h, 2, 'the first one is exactly 1 h old');
});

test('the last-hour count saturates at the 16 transactions the card keeps', () => {
  const h = harness();
  let last = 0;
  for (let i = 0; i < 20; i++) last = h.run(tx({ eventTime: DAY0 + i * SEC })).card_tx_count_1h;
  assert.equal(last, 16);
});

test('card-testing probes are small card-not-present amounts in the last hour', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0, channel: 'ECOMMERCE', amountMinor: 100, deviceId: 'dev-x' }));
  h.run(tx({ eventTime: DAY0 + 60 * SEC, channel: 'CARD_PRESENT', amountMinor: 100 }));
  h.run(tx({ eventTime: DAY0 + 120 * SEC, channel: 'ECOMMERCE', amountMinor: 501, deviceId: 'dev-x' }));
  h.run(tx({ eventTime: DAY0 + 180 * SEC, channel: 'MOTO', amountMinor: 500 }));
  const r = h.run(tx({ eventTime: DAY0 + 240 * SEC, channel: 'ECOMMERCE', amountMinor: 0, deviceId: 'dev-x' }));
  assert.deepEqual([r.card_tx_count_1h, r.card_cnp_small_count_1h], [5, 3]);
  const later = h.run(tx({ eventTime: DAY0 + 3600 * SEC + 30 * SEC, channel: 'ECOMMERCE', amountMinor: 200 }));
  assert.deepEqual([later.card_tx_count_1h, later.card_cnp_small_count_1h], [5, 3], 'the first probe left the hour');
});

test('distinct terminals in 24 hours count each terminal once and forget those unused for a day', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0, terminalId: 'A' }));
  h.run(tx({ eventTime: DAY0 + HOUR, terminalId: 'B' }));
  h.run(tx({ eventTime: DAY0 + 2 * HOUR, terminalId: 'A' }));
  assert.equal(h.run(tx({ eventTime: DAY0 + 3 * HOUR, terminalId: 'C' })).card_distinct_terminals_24h, 3);
  // At day 1 01:30, A (last used at 02:00) is still in, B (01:00) is out.
  assert.equal(h.run(tx({ eventTime: DAY0 + DAY + 1.5 * HOUR, terminalId: 'C' })).card_distinct_terminals_24h, 2);
});

test('distinct terminals saturate at the 8 the card tracks, replacing the least recently used', () => {
  const h = harness();
  let r = 0;
  for (let i = 0; i < 10; i++)
    r = h.run(tx({ eventTime: DAY0 + i * SEC, terminalId: `T${i}` })).card_distinct_terminals_24h;
  assert.equal(r, 8);
});

test('distance and speed are measured between consecutive card-present transactions', () => {
  const h = harness();
  const first = h.run(tx({ eventTime: DAY0, terminalX: 0, terminalY: 0 }));
  assert.deepEqual([first.distance_from_prev_km, first.speed_from_prev_kmh], [0, 0]);
  const second = h.run(tx({ eventTime: DAY0 + 2 * HOUR, channel: 'CONTACTLESS', terminalX: 300, terminalY: 400 }));
  assert.deepEqual([second.distance_from_prev_km, second.speed_from_prev_kmh], [500, 250]);
  const online = h.run(tx({ eventTime: DAY0 + 3 * HOUR, channel: 'ECOMMERCE', terminalX: 5000, terminalY: 5000 }));
  assert.deepEqual(
    [online.distance_from_prev_km, online.speed_from_prev_kmh],
    [0, 0],
    'online terminals are not places',
  );
  const atm = h.run(tx({ eventTime: DAY0 + 4 * HOUR, channel: 'ATM', terminalX: 300, terminalY: 460 }));
  assert.deepEqual([atm.distance_from_prev_km, atm.speed_from_prev_kmh], [60, 30]);
});

test('implied speed divides by at least one minute', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0, terminalX: 0, terminalY: 0 }));
  const r = h.run(tx({ eventTime: DAY0 + 10 * SEC, terminalX: 0, terminalY: 100 }));
  assert.deepEqual([r.distance_from_prev_km, r.speed_from_prev_kmh], [100, 6000]);
});

test('channel, device and category novelty remember what the card used before', () => {
  const h = harness();
  const a = h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-a', mcc: 5732, eventTime: DAY0 }));
  assert.deepEqual([a.channel_new_for_card, a.device_new_for_card, a.mcc_new_for_card], [1, 1, 1]);
  const b = h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-a', mcc: 5732, eventTime: DAY0 + HOUR }));
  assert.deepEqual([b.channel_new_for_card, b.device_new_for_card, b.mcc_new_for_card], [0, 0, 0]);
  const c = h.run(tx({ channel: 'CARD_PRESENT', deviceId: null, mcc: 5411, eventTime: DAY0 + 2 * HOUR }));
  assert.deepEqual([c.channel_new_for_card, c.device_new_for_card, c.mcc_new_for_card], [1, 0, 1]);
  const d = h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-b', eventTime: DAY0 + 3 * HOUR }));
  assert.equal(d.device_new_for_card, 1);
  const e = h.run(tx({ channel: 'ECOMMERCE', deviceId: null, eventTime: DAY0 + 4 * HOUR }));
  assert.equal(e.device_new_for_card, 1, 'e-commerce without a fingerprint');
  const f = h.run(tx({ channel: 'MOTO', deviceId: null, eventTime: DAY0 + 5 * HOUR }));
  assert.deepEqual([f.device_new_for_card, f.channel_new_for_card], [0, 1]);
});

test('a card remembers its last four devices', () => {
  const h = harness();
  for (const [i, d] of ['a', 'b', 'c', 'd', 'e'].entries()) {
    h.run(tx({ channel: 'ECOMMERCE', deviceId: `dev-${d}`, eventTime: DAY0 + i * HOUR }));
  }
  assert.equal(
    h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-e', eventTime: DAY0 + 6 * HOUR })).device_new_for_card,
    0,
  );
  assert.equal(
    h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-a', eventTime: DAY0 + 7 * HOUR })).device_new_for_card,
    1,
  );
});

test('a country change compares with the previous transaction only', () => {
  const h = harness();
  assert.equal(h.run(tx({ terminalCountry: 'BE', eventTime: DAY0 })).country_changed, 0);
  assert.equal(h.run(tx({ terminalCountry: 'BE', eventTime: DAY0 + HOUR })).country_changed, 0);
  assert.equal(h.run(tx({ terminalCountry: 'FR', eventTime: DAY0 + 2 * HOUR })).country_changed, 1);
  assert.equal(h.run(tx({ terminalCountry: 'FR', eventTime: DAY0 + 3 * HOUR })).country_changed, 0);
});

test('a fraud report on the card counts from its reportedAt on', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0 }));
  h.cards.markFraudReported('card-a', DAY0 + DAY);
  assert.equal(h.run(tx({ eventTime: DAY0 + DAY - 1 })).card_fraud_reported, 0);
  const after = h.run(tx({ eventTime: DAY0 + DAY }));
  assert.deepEqual(
    [after.card_fraud_reported, after.seconds_since_prev_tx, after.card_tx_count_7d],
    [1, Math.fround(0.001), 3],
  );
});

test('a fraud report on a card without state flags its next transaction, which otherwise starts afresh', () => {
  const h = harness({ cards: { idleDays: 10 } });
  h.cards.markFraudReported('card-a', DAY0);
  const first = h.run(tx({ eventTime: DAY0 + 5 * DAY }));
  assert.deepEqual(
    [first.card_fraud_reported, first.seconds_since_prev_tx, first.card_tx_count_30d],
    [1, 2_592_000, 1],
  );

  h.cards.markFraudReported('card-b', DAY0);
  assert.equal(
    h.run(tx({ cardId: 'card-b', eventTime: DAY0 + 11 * DAY })).card_fraud_reported,
    0,
    'idle since the report',
  );
});

test('a report on a card idle for longer than idleDays starts it afresh, as if it had been swept', () => {
  const h = harness({ cards: { idleDays: 10 } });
  h.run(tx({ eventTime: DAY0, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  h.cards.markFraudReported('card-a', DAY0 + 20 * DAY);
  const r = h.run(tx({ eventTime: DAY0 + 21 * DAY, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  assert.deepEqual([r.card_fraud_reported, r.device_new_for_card, r.card_tx_count_30d], [1, 1, 1]);
});

test('a report that arrives ahead of earlier transactions of the card leaves its history alone', () => {
  const h = harness({ cards: { idleDays: 10 } });
  h.run(tx({ eventTime: DAY0, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  h.cards.markFraudReported('card-a', DAY0 + 15 * DAY);
  const r = h.run(tx({ eventTime: DAY0 + 5 * DAY, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  assert.deepEqual([r.card_fraud_reported, r.device_new_for_card, r.card_tx_count_30d], [0, 0, 2]);
  assert.equal(h.run(tx({ eventTime: DAY0 + 15 * DAY })).card_fraud_reported, 1);
});

test('device age is the hours since the card first used the device, capped at 30 days', () => {
  const h = harness();
  assert.equal(h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-a', eventTime: DAY0 })).device_age_hours, 0);
  assert.equal(
    h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-a', eventTime: DAY0 + 1.5 * HOUR })).device_age_hours,
    1.5,
  );
  assert.equal(h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-b', eventTime: DAY0 + 2 * HOUR })).device_age_hours, 0);
  assert.equal(h.run(tx({ channel: 'CARD_PRESENT', eventTime: DAY0 + 3 * HOUR })).device_age_hours, 720, 'no device');
  assert.equal(
    h.run(tx({ channel: 'ECOMMERCE', deviceId: 'dev-a', eventTime: DAY0 + 31 * DAY })).device_age_hours,
    720,
  );
});
