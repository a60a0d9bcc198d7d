import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CARD_RECORD_BYTES } from '../../../src/core/features/card-layout.ts';
import type { CardStore } from '../../../src/core/features/card-store.ts';
import { FeatureError } from '../../../src/errors.ts';
import { SECONDS_SINCE_PREV_CAP } from '../../../src/core/features/feature-params.ts';
import { TerminalAggregate } from '../../../src/core/features/terminal-aggregate.ts';
import { DAY, DAY0, HOUR, harness, tx } from './fixtures.ts';

test('a card idle for longer than idleDays starts afresh, swept or not', () => {
  const h = harness({ cards: { idleDays: 10 } });
  h.run(tx({ eventTime: DAY0, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  const kept = h.run(tx({ eventTime: DAY0 + 10 * DAY, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  assert.deepEqual([kept.seconds_since_prev_tx, kept.device_new_for_card, kept.card_tx_count_30d], [864_000, 0, 2]);
  const fresh = h.run(tx({ eventTime: DAY0 + 20 * DAY + 1, channel: 'ECOMMERCE', deviceId: 'dev-a' }));
  assert.deepEqual(
    [fresh.seconds_since_prev_tx, fresh.device_new_for_card, fresh.channel_new_for_card, fresh.card_tx_count_30d],
    [SECONDS_SINCE_PREV_CAP, 1, 1, 1],
  );
});

test('evictIdle frees cards idle longer than idleDays plus a day and reuses their slots', () => {
  const h = harness({ cards: { idleDays: 10 } });
  h.run(tx({ cardId: 'old', eventTime: DAY0 }));
  h.run(tx({ cardId: 'recent', eventTime: DAY0 + 5 * DAY }));
  const oldSlot = h.cards.acquire('old', DAY0);
  assert.equal(h.cards.evictIdle(DAY0 + 11 * DAY), 0, 'within the grace day');
  assert.equal(h.cards.evictIdle(DAY0 + 11 * DAY + 1), 1);
  assert.deepEqual([h.cards.has('old'), h.cards.has('recent'), h.cards.size], [false, true, 1]);
  const r = h.run(tx({ cardId: 'new', eventTime: DAY0 + 12 * DAY }));
  assert.equal(h.cards.acquire('new', DAY0 + 12 * DAY), oldSlot);
  assert.deepEqual([r.card_tx_count_30d, r.seconds_since_prev_tx], [1, SECONDS_SINCE_PREV_CAP], 'nothing left of old');
});

test('a card exported from one store and imported into another yields the same features', () => {
  const a = harness();
  const b = harness({ terminals: new TerminalAggregate() });
  const history = [
    tx({ eventTime: DAY0, channel: 'ECOMMERCE', deviceId: 'dev-a', amountMinor: 200 }),
    tx({ eventTime: DAY0 + HOUR, channel: 'CARD_PRESENT', terminalX: 3, terminalY: 4, mcc: 5812 }),
    tx({ eventTime: DAY0 + 2 * DAY, channel: 'ATM', terminalCountry: 'FR', amountMinor: 5000 }),
  ];
  for (const t of history) a.run(t);
  a.cards.markFraudReported('card-a', DAY0 + 3 * DAY);
  const bytes = a.cards.exportCard('card-a');
  assert.ok(bytes);
  assert.equal(bytes.length, CARD_RECORD_BYTES);
  b.cards.importCard('card-a', bytes);
  const next = tx({ eventTime: DAY0 + 4 * DAY, channel: 'ECOMMERCE', deviceId: 'dev-a', terminalId: 'term-9' });
  const fromA = a.run(next);
  const fromB = b.run(next);
  for (const name of Object.keys(fromA) as (keyof typeof fromA)[]) {
    if (name.startsWith('terminal_')) continue;
    assert.equal(fromB[name], fromA[name], name);
  }
  assert.deepEqual([fromB.card_tx_count_7d, fromB.device_new_for_card, fromB.card_fraud_reported], [4, 0, 1]);
});

test('importCard rejects bytes of another size or layout version', () => {
  const h = harness();
  assert.throws(
    () => h.cards.importCard('x', new Uint8Array(10)),
    (e: unknown) => e instanceof FeatureError && e.code === 'CARD_STATE_INVALID',
  );
  assert.throws(
    () => h.cards.importCard('x', new Uint8Array(CARD_RECORD_BYTES)),
    (e: unknown) => e instanceof FeatureError && e.code === 'CARD_STATE_INVALID',
  );
  assert.equal(h.cards.exportCard('x'), undefined);
});

test('deleteCard forgets a card', () => {
  const h = harness();
  h.run(tx({ eventTime: DAY0 }));
  assert.equal(h.cards.deleteCard('card-a'), true);
  assert.equal(h.cards.deleteCard('card-a'), false);
  assert.equal(h.run(tx({ eventTime: DAY0 + HOUR })).card_tx_count_1d, 1);
});

test('cards beyond one page of records keep separate state', () => {
  const h = harness();
  for (let i = 0; i < 5000; i++) h.run(tx({ cardId: `c${i}`, eventTime: DAY0, amountMinor: i }));
  assert.equal(h.cards.size, 5000);
  const r = h.run(tx({ cardId: 'c4500', eventTime: DAY0 + HOUR, amountMinor: 4500 }));
  assert.deepEqual([r.card_tx_count_1d, r.card_mean_amount_1d], [2, 45]);
});

/** A store of `n` cards whose last transactions are at DAY0, every third one also at DAY0 + 20 days. */
function fill(n: number): CardStore {
  const h = harness({ cards: { idleDays: 10 } });
  for (let i = 0; i < n; i++) h.run(tx({ cardId: `c${i}`, eventTime: DAY0 }));
  for (let i = 0; i < n; i += 3) h.run(tx({ cardId: `c${i}`, eventTime: DAY0 + 20 * DAY }));
  return h.cards;
}

test('an idle sweep step looks at no more than its share of cards and a pass evicts what a full sweep does', () => {
  const now = DAY0 + 12 * DAY;
  const full = fill(1000);
  assert.equal(full.evictIdle(now), 666);
  const stepped = fill(1000);
  let evicted = 0;
  let steps = 0;
  do {
    const before = stepped.size;
    evicted += stepped.evictIdleStep(now, 64);
    assert.ok(before - stepped.size <= 64);
    steps++;
  } while (stepped.sweeping);
  assert.deepEqual([evicted, stepped.size, steps], [666, full.size, Math.ceil(1000 / 64)]);
  assert.deepEqual([...stepped.cardIds()].sort(), [...full.cardIds()].sort());
});

test('a sweep pass resumes where it stopped and the next pass starts from the first card', () => {
  const cards = fill(10);
  const later = DAY0 + 60 * DAY;
  assert.equal(cards.evictIdleStep(DAY0, 4), 0, 'nothing idle yet');
  assert.equal(cards.sweeping, true);
  assert.equal(cards.evictIdleStep(later, 100), 6, 'the six not looked at yet');
  assert.equal(cards.sweeping, false);
  assert.equal(cards.evictIdleStep(later, 100), 4, 'a new pass');
});
