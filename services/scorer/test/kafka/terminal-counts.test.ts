import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TerminalAggregate } from '../../src/core/features/terminal-aggregate.ts';
import { decodeCountRecord, encodeCountKey, encodeCountValue } from '../../src/core/features/terminal-count-record.ts';
import type { OutRecord } from '../../src/core/scoring/records.ts';
import { TerminalCountsSync } from '../../src/kafka/terminal-counts.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { fakePartitionClient } from './fake-partition-client.ts';

const DAY = 20_100;
const log = createLogger('silent', 'test');

function setup(partitions = 6) {
  const terminals = new TerminalAggregate({ ringDays: 45 });
  const sync = new TerminalCountsSync(terminals, 'counts', log, { partitions });
  return { terminals, sync };
}

const decoded = (records: readonly OutRecord[]) =>
  records.map((r) => ({ to: r.partition, ...decodeCountRecord(r.key as Buffer, r.value) }));
const count = (partition: number, terminal: string, day: number, n: number | null) => ({
  key: encodeCountKey(partition, terminal, day),
  value: n === null ? null : encodeCountValue(n),
});

test("a partition's changed cells go out with its chunk, to its own partition of the topic, once", () => {
  const { terminals, sync } = setup(4);
  terminals.addTransactions('T', DAY, 2, 5);
  terminals.addTransactions('U', DAY, 1, 5);
  terminals.addTransactions('T', DAY, 7, 2);
  assert.deepEqual(decoded(sync.recordsFor(5)), [
    { to: 1, partition: 5, terminalId: 'T', day: DAY, count: 2 },
    { to: 1, partition: 5, terminalId: 'U', day: DAY, count: 1 },
  ]);
  assert.deepEqual(sync.recordsFor(5), [], 'nothing changed since');
  assert.deepEqual(decoded(sync.recordsFor(2)), [{ to: 2, partition: 2, terminalId: 'T', day: DAY, count: 7 }]);
  assert.equal(sync.stats.published, 3);
});

test('records of other partitions are applied, tombstones delete, own partitions and malformed records are skipped', () => {
  const { terminals, sync } = setup();
  terminals.addTransactions('T', DAY, 5, 0);
  sync.applyBatch(0, [
    count(1, 'T|x', DAY, 3),
    count(2, 'T|x', DAY, 4),
    count(0, 'T', DAY, 1),
    { key: Buffer.from('old-instance|T|20100'), value: Buffer.from('9') },
    { key: encodeCountKey(1, 'T', DAY), value: Buffer.from('nine!') },
    count(2, 'T|x', DAY, null),
  ]);
  assert.equal(terminals.transactions('T|x', DAY), 3);
  assert.equal(terminals.transactions('T', DAY), 5, 'the owned count in memory is newer than its echo');
  assert.equal(sync.stats.skipped, 2);
});

test("a partition taken over forgets what it held of that partition and continues from the topic's record", async () => {
  const { terminals, sync } = setup(2);
  // Read while another instance owned partition 3: 9, then its records moved on.
  sync.applyBatch(1, [count(3, 'T', DAY, 9)]);
  const client = fakePartitionClient({
    counts: [[], [count(1, 'T', DAY, 50), count(3, 'T', DAY, 4), count(3, 'U', DAY, 1), count(3, 'T', DAY, 6)]],
  });
  assert.equal(await sync.restore(3, client), 3);
  assert.equal(terminals.isOwned(3), true);
  assert.equal(terminals.transactionsFrom(3, 'T', DAY), 6, 'the last record of partition 3 wins');
  assert.equal(terminals.transactionsFrom(1, 'T', DAY), 0, "other partitions' records are left to the follower");
  assert.equal(terminals.addTransactions('T', DAY, 1, 3), 7, 'counting goes on from there');
  sync.applyBatch(1, [count(3, 'T', DAY, 2)]);
  assert.equal(terminals.transactionsFrom(3, 'T', DAY), 7, 'a late record of the former owner does not win');
});

test('a revoked partition stops being owned; its counts stay and follow the new owner', () => {
  const { terminals, sync } = setup();
  terminals.addTransactions('T', DAY, 2, 1);
  sync.recordsFor(1);
  sync.revoked([1]);
  assert.equal(terminals.isOwned(1), false);
  assert.equal(terminals.transactionsFrom(1, 'T', DAY), 2);
  sync.applyBatch(1, [count(1, 'T', DAY, 6)]);
  assert.equal(terminals.transactionsFrom(1, 'T', DAY), 6);
});

test("owned cells that leave the ring go out as tombstones with their partition's next chunk, once", () => {
  const { terminals, sync } = setup();
  terminals.addTransactions('T', DAY, 2, 0);
  terminals.addTransactions('U', DAY, 1, 0);
  sync.recordsFor(0);
  terminals.addTransactions('T', DAY + 45, 1, 0);
  sync.sweep();
  assert.deepEqual(decoded(sync.recordsFor(0)), [
    { to: 0, partition: 0, terminalId: 'T', day: DAY + 45, count: 1 },
    { to: 0, partition: 0, terminalId: 'T', day: DAY, count: null },
    { to: 0, partition: 0, terminalId: 'U', day: DAY, count: null },
  ]);
  assert.deepEqual(sync.recordsFor(0), []);
  assert.equal(sync.stats.deleted, 2);
});
