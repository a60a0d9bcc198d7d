import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECONDS_SINCE_PREV_CAP } from '../../../src/core/features/feature-params.ts';
import { DAY, DAY0, HOUR, harness, tx } from './fixtures.ts';

test('card counts and mean amounts over 1, 7 and 30 days include the current transaction', () => {
  const h = harness();
  const r1 = h.run(tx({ eventTime: DAY0 + 10 * HOUR, amountMinor: 1000 }));
  assert.deepEqual(
    [r1.card_tx_count_1d, r1.card_mean_amount_1d, r1.card_tx_count_7d, r1.card_tx_count_30d, r1.card_mean_amount_30d],
    [1, 10, 1, 1, 10],
  );

  const r2 = h.run(tx({ eventTime: DAY0 + 12 * HOUR, amountMinor: 3000 }));
  assert.deepEqual(
    [r2.card_tx_count_1d, r2.card_mean_amount_1d, r2.card_tx_count_7d, r2.card_mean_amount_7d],
    [2, 20, 2, 20],
  );

  // Day 1 at 11:00: the 24-hour window starts at day 0 12:00, so the 10:00 transaction has left it.
  const r3 = h.run(tx({ eventTime: DAY0 + DAY + 11 * HOUR, amountMinor: 2000 }));
  assert.deepEqual([r3.card_tx_count_1d, r3.card_mean_amount_1d], [2, 25]);
  assert.deepEqual([r3.card_tx_count_7d, r3.card_mean_amount_7d, r3.card_tx_count_30d], [3, 20, 3]);

  // Day 7: the 7-day window is days 1..7.
  const r4 = h.run(tx({ eventTime: DAY0 + 7 * DAY + 9 * HOUR, amountMinor: 4000 }));
  assert.deepEqual([r4.card_tx_count_1d, r4.card_tx_count_7d, r4.card_mean_amount_7d], [1, 2, 30]);
  assert.deepEqual([r4.card_tx_count_30d, r4.card_mean_amount_30d], [4, 25]);

  // Day 30: the 30-day window is days 1..30, the 7-day window days 24..30.
  const r5 = h.run(tx({ eventTime: DAY0 + 30 * DAY + 9 * HOUR, amountMinor: 6000 }));
  assert.deepEqual([r5.card_tx_count_30d, r5.card_mean_amount_30d, r5.card_tx_count_7d], [3, 40, 1]);
  assert.equal(r5.amount_over_card_mean_30d, 2, '60 over the earlier mean of 30');
});

test('the 24-hour window is hour-aligned: the hour 23 hours back is in, the one before it is out', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0 + 10 * HOUR + 59 * 60_000 }));
  h.run(tx({ eventTime: DAY0 + 11 * HOUR }));
  const r = h.run(tx({ eventTime: DAY0 + DAY + 10 * HOUR + 30 * 60_000 }));
  assert.equal(r.card_tx_count_1d, 2);
});

test('the 7- and 30-day windows are UTC calendar days', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0 + 1 * HOUR }));
  const inside = h.run(tx({ eventTime: DAY0 + 6 * DAY + 23 * HOUR }));
  assert.equal(inside.card_tx_count_7d, 2);
  const h2 = harness();
  h2.run(tx({ eventTime: DAY0 + 23 * HOUR }));
  const outside = h2.run(tx({ eventTime: DAY0 + 7 * DAY + 1 * HOUR }));
  assert.deepEqual([outside.card_tx_count_7d, outside.card_tx_count_30d], [1, 2]);
});

test('a gap longer than the ring clears every bucket', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0, amountMinor: 5000 }));
  const r = h.run(tx({ eventTime: DAY0 + 40 * DAY, amountMinor: 1000 }));
  assert.deepEqual(
    [r.card_tx_count_1d, r.card_tx_count_7d, r.card_tx_count_30d, r.card_mean_amount_30d],
    [1, 1, 1, 10],
  );
  assert.equal(r.amount_over_card_mean_30d, 1, 'no earlier transaction in the window');
});

test('seconds since the previous transaction are capped and the cap marks the first transaction', () => {
  const h = harness();
  assert.equal(h.run(tx({ eventTime: DAY0 })).seconds_since_prev_tx, SECONDS_SINCE_PREV_CAP);
  assert.equal(h.run(tx({ eventTime: DAY0 + 90_500 })).seconds_since_prev_tx, 90.5);
  assert.equal(h.run(tx({ eventTime: DAY0 + 35 * DAY })).seconds_since_prev_tx, SECONDS_SINCE_PREV_CAP);
});

test('amount over the card mean uses the earlier transactions only and is capped', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0, amountMinor: 1000 }));
  h.run(tx({ eventTime: DAY0 + HOUR, amountMinor: 3000 }));
  assert.equal(h.run(tx({ eventTime: DAY0 + 2 * HOUR, amountMinor: 10000 })).amount_over_card_mean_30d, 5);

  const zero = harness();
  zero.run(tx({ eventTime: DAY0, amountMinor: 0 }));
  assert.equal(zero.run(tx({ eventTime: DAY0 + HOUR, amountMinor: 0 })).amount_over_card_mean_30d, 1);
  assert.equal(zero.run(tx({ eventTime: DAY0 + 2 * HOUR, amountMinor: 1 })).amount_over_card_mean_30d, 1000);
});

test('a transaction older than the card last one is counted at the card last time', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0 + 3 * DAY }));
  const r = h.run(tx({ eventTime: DAY0 + 1 * DAY }));
  assert.deepEqual([r.seconds_since_prev_tx, r.card_tx_count_1d], [0, 2]);
});
