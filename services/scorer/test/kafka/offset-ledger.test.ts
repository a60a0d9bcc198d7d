import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetLedger } from '../../src/kafka/offset-ledger.ts';

test('an acknowledged offset becomes committable once, and a commit point never moves backwards', () => {
  const ledger = new OffsetLedger();
  ledger.assign([0, 1]);
  const g = ledger.generation;
  assert.ok(ledger.acknowledged(g, 0, 10n));
  assert.ok(ledger.acknowledged(g, 0, 5n)); // a late, older acknowledgement
  assert.ok(ledger.acknowledged(g, 1, 3n));
  assert.deepEqual(ledger.take().offsets, [
    [0, 10n],
    [1, 3n],
  ]);
  assert.deepEqual(ledger.take().offsets, []);
  ledger.acknowledged(g, 0, 7n);
  assert.deepEqual(ledger.take().offsets, [], 'below what was already acknowledged');
});

test('acknowledgements of an ended generation or of a partition not owned are dropped', () => {
  const ledger = new OffsetLedger();
  ledger.assign([0, 1]);
  const old = ledger.generation;
  ledger.revoke();
  ledger.assign([1]);
  assert.equal(ledger.acknowledged(old, 1, 4n), false);
  assert.equal(ledger.acknowledged(ledger.generation, 0, 4n), false, 'partition 0 went elsewhere');
  assert.deepEqual(ledger.take().offsets, []);
});

test('while a rebalance is under way no new work starts, but work already sent can still be committed', () => {
  const ledger = new OffsetLedger();
  ledger.assign([2]);
  const g = ledger.generation;
  assert.ok(ledger.isCurrent(g, 2));
  assert.deepEqual(ledger.revoke(), [2]);
  assert.equal(ledger.isCurrent(g, 2), false);
  assert.ok(ledger.acknowledged(g, 2, 8n));
  assert.deepEqual(ledger.take().offsets, [[2, 8n]]);
});

test('a new assignment drops what was committable and tells which partitions were lost', () => {
  const ledger = new OffsetLedger();
  ledger.assign([0, 1, 2]);
  ledger.acknowledged(ledger.generation, 1, 9n);
  ledger.revoke();
  assert.deepEqual(ledger.assign([2, 3]), [0, 1]);
  assert.deepEqual(ledger.take().offsets, []);
  assert.deepEqual([...ledger.owned], [2, 3]);
  assert.equal(ledger.revoking, false);
});

test('a failed commit is put back unless something newer replaced it or the generation ended', () => {
  const ledger = new OffsetLedger();
  ledger.assign([0, 1]);
  const g = ledger.generation;
  ledger.acknowledged(g, 0, 5n);
  ledger.acknowledged(g, 1, 6n);
  const taken = ledger.take();
  ledger.acknowledged(g, 0, 9n);
  ledger.putBack(taken);
  assert.deepEqual(ledger.take().offsets, [
    [0, 9n],
    [1, 6n],
  ]);
  ledger.acknowledged(g, 1, 7n);
  const again = ledger.take();
  ledger.revoke();
  ledger.assign([0, 1]);
  ledger.putBack(again);
  assert.deepEqual(ledger.take().offsets, [], 'a commit of an ended generation is not retried');
});
