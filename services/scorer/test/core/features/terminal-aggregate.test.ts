import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Label } from '../../../../../schemas/src/types.ts';
import { TerminalAggregate } from '../../../src/core/features/terminal-aggregate.ts';
import { DAY, DAY0, HOUR, harness, tx } from './fixtures.ts';

const D0 = DAY0 / DAY;

function label(transactionId: string, eventTime: number, reportedAt: number, terminalId = 'T'): Label {
  return { transactionId, cardId: 'card-x', terminalId, scenario: 'compromised-terminal', eventTime, reportedAt };
}

function counts(agg: TerminalAggregate, asOf: number, terminalId = 'T'): number[] {
  const out = new Float64Array(6);
  agg.windowCounts(terminalId, asOf, out);
  return [...out];
}

test('terminal windows end the day before day(t) - 7, so data less than 7 days old never counts', () => {
  const h = harness();
  for (const card of ['c1', 'c2', 'c3']) h.run(tx({ cardId: card, terminalId: 'T', eventTime: DAY0 + 23 * HOUR }));
  const at = (days: number, hour = 12) =>
    h.run(tx({ cardId: 'probe', terminalId: 'T', eventTime: DAY0 + days * DAY + hour * HOUR }));

  const sixDaysOld = at(6, 23);
  assert.deepEqual(
    [sixDaysOld.terminal_tx_count_1d, sixDaysOld.terminal_tx_count_7d, sixDaysOld.terminal_tx_count_30d],
    [0, 0, 0],
  );
  // More than 7 days old (7 d 1 h) but on day D - 7: still out.
  const day7 = at(7, 23.99);
  assert.deepEqual([day7.terminal_tx_count_1d, day7.terminal_tx_count_30d], [0, 0]);
  const day8 = at(8, 0);
  assert.deepEqual([day8.terminal_tx_count_1d, day8.terminal_tx_count_7d, day8.terminal_tx_count_30d], [3, 3, 3]);
  // The probes of days 6, 7 and 8 have been counted too: day 15's windows are days 7, 1..7 and -22..7.
  const day15 = at(15);
  assert.deepEqual([day15.terminal_tx_count_1d, day15.terminal_tx_count_7d, day15.terminal_tx_count_30d], [1, 2, 5]);
  const day37 = at(37);
  assert.equal(day37.terminal_tx_count_30d, 7, 'days 0..29: 3 + probes of days 6, 7, 8, 15');
  const day38 = at(38);
  assert.equal(day38.terminal_tx_count_30d, 4, 'day 0 has left the 30-day window');
});

test('a label counts against the day of its transaction only from its reportedAt', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0, 4);
  agg.addTransactions('T', D0 + 1, 1);
  assert.equal(agg.addLabel(label('f1', DAY0 + HOUR, DAY0 + 9 * DAY + 12 * HOUR)), true);
  assert.deepEqual(counts(agg, DAY0 + 9 * DAY + 12 * HOUR - 1), [1, 0, 5, 0, 5, 0], 'not reported yet');
  assert.deepEqual(counts(agg, DAY0 + 9 * DAY + 12 * HOUR), [1, 0, 5, 1, 5, 1]);
});

test('terminal risk is frauds over transactions, 0 without transactions', () => {
  const h = harness();
  for (let i = 0; i < 4; i++) h.run(tx({ cardId: `c${i}`, terminalId: 'T', eventTime: DAY0 + HOUR }));
  h.terminals.addLabel(label('f1', DAY0 + HOUR, DAY0 + 7 * DAY + HOUR));
  const r = h.run(tx({ cardId: 'probe', terminalId: 'T', eventTime: DAY0 + 8 * DAY }));
  assert.deepEqual([r.terminal_risk_1d, r.terminal_risk_7d, r.terminal_risk_30d], [0.25, 0.25, 0.25]);
  const empty = h.run(tx({ cardId: 'probe', terminalId: 'U', eventTime: DAY0 + 8 * DAY }));
  assert.deepEqual([empty.terminal_tx_count_30d, empty.terminal_risk_30d], [0, 0]);
});

test('a label delivered twice counts once', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0, 2);
  assert.equal(agg.addLabel(label('f1', DAY0, DAY0 + DAY)), true);
  assert.equal(agg.addLabel(label('f1', DAY0, DAY0 + DAY)), false);
  assert.deepEqual(counts(agg, DAY0 + 8 * DAY), [2, 1, 2, 1, 2, 1]);
});

test('a label older than the ring is ignored', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0 + 100, 1);
  assert.equal(agg.addLabel(label('old', DAY0 + 50 * DAY, DAY0 + 101 * DAY)), false);
  assert.equal(agg.addLabel(label('recent', DAY0 + 90 * DAY, DAY0 + 101 * DAY)), true);
});

test('addFrauds counts at once', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0, 4);
  agg.addFrauds('T', D0, 2);
  assert.deepEqual(counts(agg, DAY0 + 8 * DAY), [4, 2, 4, 2, 4, 2]);
});

test('counts from several sources add up and setTransactions is last-write-wins per source', () => {
  const agg = new TerminalAggregate();
  assert.equal(agg.addTransactions('T', D0, 2, 0), 2);
  assert.equal(agg.addTransactions('T', D0, 1, 0), 3);
  agg.setTransactions(1, 'T', D0, 5);
  assert.equal(agg.transactions('T', D0), 8);
  agg.setTransactions(1, 'T', D0, 4);
  agg.setTransactions(1, 'T', D0, 4);
  assert.equal(agg.transactions('T', D0), 7);
  assert.equal(agg.transactionsFrom(0, 'T', D0), 3);
  assert.equal(agg.transactionsFrom(1, 'T', D0), 4);
});

test('a day older than what a ring cell holds is rejected, a newer one replaces it', () => {
  const agg = new TerminalAggregate({ ringDays: 45 });
  agg.addTransactions('T', D0 + 45, 3);
  assert.equal(agg.setTransactions(1, 'T', D0, 9), false);
  assert.equal(agg.addTransactions('T', D0, 1), -1);
  assert.equal(agg.transactions('T', D0 + 45), 3);
  agg.setTransactions(1, 'T', D0 + 90, 2);
  assert.deepEqual([agg.transactions('T', D0 + 45), agg.transactions('T', D0 + 90)], [0, 2]);
});

test('drainDirty hands over each locally changed cell once with its current count', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0, 1, 0);
  agg.addTransactions('T', D0, 1, 0);
  agg.addTransactions('U', D0 + 1, 1, 1);
  agg.setTransactions(2, 'T', D0, 5);
  const seen: unknown[] = [];
  assert.equal(
    agg.drainDirty((...args) => seen.push(args)),
    2,
  );
  assert.deepEqual(seen, [
    [0, 'T', D0, 2],
    [1, 'U', D0 + 1, 1],
  ]);
  assert.equal(
    agg.drainDirty(() => assert.fail('nothing changed since')),
    0,
  );
});

test('the aggregate grows past its initial capacity without losing counts', () => {
  const agg = new TerminalAggregate();
  for (let i = 0; i < 3000; i++) agg.addTransactions(`T${i}`, D0, i % 7, 0);
  agg.setTransactions(1, 'T5', D0, 10);
  assert.equal(agg.size, 3000);
  assert.equal(agg.transactions('T2999', D0), 2999 % 7);
  assert.equal(agg.transactions('T5', D0), 15);
});

test('the ring must cover the delay and the longest window', () => {
  assert.throws(() => new TerminalAggregate({ ringDays: 37 }), RangeError);
  assert.equal(new TerminalAggregate({ ringDays: 38 }).ringDays, 38);
});

const FAR_DAY = Math.floor(Date.UTC(9999, 0, 1) / DAY);

test('a label from year 9999 does not make the genuine labels after it too old', () => {
  const agg = new TerminalAggregate();
  assert.equal(agg.addLabel(label('early-future', FAR_DAY * DAY, FAR_DAY * DAY)), true, 'no transaction yet');
  agg.addTransactions('T', D0 + 10, 1);
  assert.equal(agg.addLabel(label('future', FAR_DAY * DAY + DAY, FAR_DAY * DAY)), false, 'far past the newest day');
  assert.equal(agg.newestDay, D0 + 10);
  assert.equal(agg.addLabel(label('genuine', DAY0 + 2 * DAY, DAY0 + 9 * DAY)), true);
  assert.deepEqual(counts(agg, DAY0 + 12 * DAY), [0, 0, 0, 1, 0, 1], 'in the 7- and 30-day windows');
});

test('a shared count from year 9999 neither moves the newest day nor blocks its ring cell', () => {
  const agg = new TerminalAggregate({ ringDays: 45 });
  const future = D0 + 45 * Math.ceil((FAR_DAY - D0) / 45);
  assert.equal(agg.setTransactions(1, 'T', future, 5), true, 'read before any transaction');
  assert.equal(agg.addTransactions('T', D0, 2), 2, 'the same ring cell is taken back by a real day');
  assert.equal(agg.newestDay, D0);
  assert.equal(agg.transactions('T', D0), 2);
  assert.equal(agg.setTransactions(1, 'T', future, 5), false, 'after a transaction: too far ahead');
  assert.equal(agg.addFrauds('T', future, 1), false);
  assert.equal(agg.transactions('T', D0), 2);
});

test('a transaction far ahead of the newest day is not counted and does not move it', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0, 1);
  assert.equal(agg.addTransactions('T', FAR_DAY, 1), -1);
  assert.equal(agg.newestDay, D0);
  assert.equal(agg.addTransactions('T', D0 + 1, 1), 1, 'the next genuine day still counts');
});

test('a zero or deleted count of a source removes only that source from the cell', () => {
  const agg = new TerminalAggregate();
  agg.setTransactions(1, 'T', D0, 5);
  agg.setTransactions(2, 'T', D0, 3);
  assert.equal(agg.deleteTransactions(1, 'T', D0), true);
  assert.equal(agg.transactions('T', D0), 3);
  agg.setTransactions(2, 'T', D0, 0);
  assert.equal(agg.transactions('T', D0), 0);
  assert.equal(agg.deleteTransactions(1, 'U', D0), false, 'an unknown terminal is not created by a deletion');
  assert.equal(agg.size, 1);
});

test('owned cells that leave the ring are retired once, when the ring moves on or by the sweep of an idle terminal', () => {
  const agg = new TerminalAggregate({ ringDays: 45 });
  agg.trackExpired();
  agg.addTransactions('A', D0, 2, 0);
  agg.addTransactions('B', D0, 3, 0);
  agg.setTransactions(1, 'A', D0, 4);
  agg.setTransactions(1, 'B', D0, 4);
  agg.drainDirty(() => {});
  agg.addTransactions('A', D0 + 45, 1, 0);
  agg.sweepExpired(1);
  agg.sweepExpired(1);
  const expired: unknown[] = [];
  assert.equal(
    agg.drainExpired((...args) => expired.push(args)),
    2,
  );
  assert.deepEqual(expired, [
    [0, 'A', D0],
    [0, 'B', D0],
  ]);
  agg.sweepExpired(10);
  assert.equal(
    agg.drainExpired(() => assert.fail('retired once')),
    0,
  );
  assert.equal(agg.transactions('B', D0), 4, 'the idle cell keeps the shared count it is not the owner of');
});

test('a drained cell marked pending again is drained again unless its day has left the cell', () => {
  const agg = new TerminalAggregate({ ringDays: 45 });
  agg.addTransactions('T', D0, 2, 0);
  agg.addTransactions('U', D0, 1, 0);
  agg.drainDirty(() => {});
  assert.equal(agg.markDirty(0, 'T', D0), true);
  agg.addTransactions('U', D0 + 45, 1, 0);
  assert.equal(agg.markDirty(0, 'U', D0), false);
  assert.equal(agg.markDirty(1, 'T', D0), false, 'not an owned source');
  const seen: unknown[] = [];
  agg.drainDirty((...args) => seen.push(args));
  assert.deepEqual(seen, [
    [0, 'T', D0, 2],
    [0, 'U', D0 + 45, 1],
  ]);
});

test('draining some sources leaves the others pending, and a released source forgets its pending changes', () => {
  const agg = new TerminalAggregate();
  agg.addTransactions('T', D0, 1, 0);
  agg.addTransactions('T', D0, 2, 1);
  agg.addTransactions('T', D0, 3, 2);
  assert.deepEqual(agg.owners(), [0, 1, 2]);
  const seen: unknown[] = [];
  assert.equal(
    agg.drainDirty(
      (...args) => seen.push(args),
      (s) => s === 1,
    ),
    1,
  );
  assert.deepEqual(seen, [[1, 'T', D0, 2]]);
  agg.release(2);
  assert.deepEqual([agg.isOwned(2), agg.pendingCells(), agg.transactionsFrom(2, 'T', D0)], [false, 1, 3]);
  agg.own(2);
  assert.equal(agg.isOwned(2), true);
});
