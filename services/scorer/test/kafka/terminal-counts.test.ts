import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TerminalAggregate } from '../../src/core/features/terminal-aggregate.ts';
import { decodeCountRecord, encodeCountKey, encodeCountValue } from '../../src/core/features/terminal-count-record.ts';
import { TerminalCountsSync, type TerminalCountsOptions } from '../../src/kafka/terminal-counts.ts';
import { createLogger } from '../../src/observability/logger.ts';

const DAY = 20_100;
const log = createLogger('silent', 'test');

interface Sent {
  key?: Buffer;
  value?: Buffer;
}

/** A producer that records what it sends and fails while `failing` is set. */
function fakeProducer() {
  const fake = {
    failing: false,
    sends: [] as Sent[][],
    send(request: { messages: Sent[] }) {
      if (fake.failing) return Promise.reject(new Error('broker gone'));
      fake.sends.push(request.messages);
      return Promise.resolve([]);
    },
  };
  return fake;
}

function setup(options?: TerminalCountsOptions) {
  const terminals = new TerminalAggregate({ ringDays: 45 });
  const producer = fakeProducer();
  const sync = new TerminalCountsSync(terminals, producer, 'counts', log, options);
  return { terminals, producer, sync };
}

const records = (messages: Sent[]) => messages.map((m) => decodeCountRecord(m.key ?? null, m.value ?? null));
const count = (partition: number, terminal: string, day: number, n: number | null) => ({
  key: encodeCountKey(partition, terminal, day),
  value: n === null ? null : encodeCountValue(n),
});

test('a failed publish keeps its cells pending and the next publish sends their counts as they are then', async () => {
  const { terminals, producer, sync } = setup();
  terminals.addTransactions('T', DAY, 2, 4);
  producer.failing = true;
  assert.equal(await sync.publish(), false);
  terminals.addTransactions('T', DAY, 1, 4);
  terminals.addTransactions('U', DAY, 1, 4);
  producer.failing = false;
  assert.equal(await sync.publish(), true);
  assert.deepEqual(records(producer.sends[0]!), [
    { partition: 4, terminalId: 'T', day: DAY, count: 3 },
    { partition: 4, terminalId: 'U', day: DAY, count: 1 },
  ]);
  assert.equal(await sync.publish(), true);
  assert.equal(producer.sends.length, 1, 'nothing left to send');
  assert.deepEqual([sync.stats.failedPublishes, sync.stats.published], [1, 2]);
});

test('records of other partitions are applied, tombstones delete, own partitions and malformed records are skipped', () => {
  const { terminals, sync } = setup();
  terminals.addTransactions('T', DAY, 5, 0);
  sync.applyBatch(
    0,
    [
      count(1, 'T|x', DAY, 3),
      count(2, 'T|x', DAY, 4),
      count(0, 'T', DAY, 1),
      { key: Buffer.from('old-instance|T|20100'), value: Buffer.from('9') },
      { key: encodeCountKey(1, 'T', DAY), value: Buffer.from('nine!') },
      count(2, 'T|x', DAY, null),
    ],
    6,
  );
  assert.equal(terminals.transactions('T|x', DAY), 3);
  assert.equal(terminals.transactions('T', DAY), 5, 'the owned count in memory is newer than its echo');
  assert.equal(sync.stats.skipped, 2);
});

test('a revoked partition publishes its pending cells, then follows the new owner', async () => {
  const { terminals, producer, sync } = setup();
  terminals.addTransactions('T', DAY, 2, 1);
  terminals.addTransactions('T', DAY, 7, 2);
  await sync.revoked([1]);
  assert.deepEqual(records(producer.sends[0]!), [{ partition: 1, terminalId: 'T', day: DAY, count: 2 }]);
  assert.deepEqual(terminals.ownedSources(), [2]);
  sync.applyBatch(0, [count(1, 'T', DAY, 6)], 1);
  assert.equal(terminals.transactionsFrom(1, 'T', DAY), 6);
  assert.equal(terminals.pendingCells(), 1, 'partition 2 still pending');
});

test('a revoke that cannot publish gives the partition up after its attempts and counts the cells lost', async () => {
  const { terminals, producer, sync } = setup({ revokeAttempts: 2 });
  terminals.addTransactions('T', DAY, 2, 1);
  producer.failing = true;
  await sync.revoked([1]);
  assert.deepEqual([sync.stats.failedPublishes, sync.stats.lostOnRevoke, terminals.isOwned(1)], [2, 1, false]);
  producer.failing = false;
  await sync.publish();
  assert.equal(producer.sends.length, 0, 'no stale count published over the new owner');
});

test('an assigned partition is taken over once the counts topic is read to where it ended, continuing its count', async () => {
  const ends = { first: [0n, 0n], end: [3n, 0n] };
  const { terminals, producer, sync } = setup({ offsets: { range: () => Promise.resolve(ends) } });
  sync.applyBatch(0, [count(5, 'T', DAY, 4)], 1);
  let owned = false;
  const assigned = sync.assigned([5]).then(() => (owned = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(owned, false, 'offsets 1 and 2 not read yet');
  sync.applyBatch(0, [count(5, 'T', DAY, 9), count(5, 'U', DAY, 1)], 3);
  await assigned;
  assert.equal(terminals.isOwned(5), true);
  assert.equal(terminals.addTransactions('T', DAY, 1, 5), 10, "continues from the former owner's last count");
  sync.applyBatch(0, [count(5, 'T', DAY, 2)], 4);
  assert.equal(terminals.transactionsFrom(5, 'T', DAY), 10, 'a late record of the former owner does not win');
  await sync.publish();
  assert.deepEqual(records(producer.sends[0]!), [{ partition: 5, terminalId: 'T', day: DAY, count: 10 }]);
});

test('an assignment whose catch-up times out takes the partitions over anyway', async () => {
  const ends = { first: [0n], end: [5n] };
  const { terminals, sync } = setup({
    offsets: { range: () => Promise.resolve(ends) },
    catchUpTimeoutMs: 20,
  });
  await sync.assigned([3]);
  assert.equal(terminals.isOwned(3), true);
});

test('owned cells that leave the ring are published as tombstones once', async () => {
  const { terminals, producer, sync } = setup();
  terminals.addTransactions('T', DAY, 2, 0);
  terminals.addTransactions('U', DAY, 1, 0);
  await sync.publish();
  terminals.addTransactions('T', DAY + 45, 1, 0);
  await sync.publish();
  assert.deepEqual(records(producer.sends[1]!), [
    { partition: 0, terminalId: 'T', day: DAY + 45, count: 1 },
    { partition: 0, terminalId: 'T', day: DAY, count: null },
    { partition: 0, terminalId: 'U', day: DAY, count: null },
  ]);
  await sync.publish();
  assert.equal(producer.sends.length, 2);
  assert.equal(sync.stats.deleted, 2);
});
