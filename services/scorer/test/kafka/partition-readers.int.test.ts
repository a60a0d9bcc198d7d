import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, Producer } from '@platformatic/kafka';
import { ensureTopics } from '../../../../infra/kafka/topics.ts';
import { testBrokers, uniqueTopic } from '../../../../test-support/kafka.ts';
import { TerminalAggregate } from '../../src/core/features/terminal-aggregate.ts';
import { baseClientOptions } from '../../src/kafka/client-options.ts';
import { readPartition } from '../../src/kafka/partition-reader.ts';
import { KafkaSink } from '../../src/kafka/sink.ts';
import { TerminalCountsSync } from '../../src/kafka/terminal-counts.ts';
import { TopicFollower } from '../../src/kafka/topic-follower.ts';
import { createLogger } from '../../src/observability/logger.ts';

const log = createLogger('silent', 'test');
const base = () => baseClientOptions(testBrokers(), 'readers-test');
const day = 17_700;

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function reader(t: TestContext) {
  const consumer = new Consumer({ ...base(), groupId: uniqueTopic('reader') });
  t.after(() => consumer.close(true));
  return consumer;
}

const text = (b: Buffer | null) => b?.toString() ?? null;

test('committed and plain records are read, aborted ones are not (one producer aborting twice too), and a topic ending in a marker is read to its end', async (t) => {
  const topic = uniqueTopic('readers');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 1 }]);
  const plain = new Producer({ ...base(), idempotent: true });
  const txnal = new Producer({ ...base(), idempotent: true, transactionalId: uniqueTopic('txn') });
  t.after(() => Promise.all([plain.close(), txnal.close()]));
  const send = (p: Producer | Awaited<ReturnType<Producer['beginTransaction']>>, values: string[]) =>
    p.send({ messages: values.map((v) => ({ topic, partition: 0, value: Buffer.from(v) })), acks: -1 });
  await send(plain, ['a']);
  let txn = await txnal.beginTransaction();
  await send(txn, ['b', 'c']);
  await txn.commit();
  txn = await txnal.beginTransaction();
  await send(txn, ['aborted-1', 'aborted-2']);
  await txn.abort();
  await send(plain, ['d']);
  // The same producer aborts again: the client's own filter lets the first aborted transaction through then.
  txn = await txnal.beginTransaction();
  await send(txn, ['aborted-3']);
  await txn.abort();
  txn = await txnal.beginTransaction();
  await send(txn, ['e']);
  await txn.commit();

  const client = reader(t);
  const restored: (string | null)[] = [];
  const read = await readPartition(client, topic, 0, (_key, value) => restored.push(text(value)));
  assert.deepEqual(restored, ['a', 'b', 'c', 'd', 'e']);
  assert.equal(read.records, 5);

  const followed: (string | null)[] = [];
  const follower = new TopicFollower(
    client,
    topic,
    (_p, records) => void followed.push(...records.map((r) => text(r.value))),
    log,
  );
  follower.start();
  t.after(() => follower.close());
  await follower.caughtUp(20_000);
  assert.deepEqual(followed, ['a', 'b', 'c', 'd', 'e']);
  await send(plain, ['f']);
  await until('the follower reads on', () => followed.length === 6);

  // The group member's fetch stream (how the scorer reads its input), with the client's filter patched
  // (scripts/patches): unpatched it hands on 'aborted-1' and 'aborted-2'.
  const member = new Consumer({ ...base(), groupId: uniqueTopic('stream'), maxWaitTime: 100 });
  t.after(() => member.close(true));
  const stream = await member.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const streamed: (string | null)[] = [];
  stream.on('data', (m) => streamed.push(text(m.value)));
  await until('the stream reads to the end', () => streamed.includes('f'));
  await stream.close();
  assert.deepEqual(streamed, ['a', 'b', 'c', 'd', 'e', 'f']);
});

test('a restore waits for a transaction still open on the partition and reads what it committed', async (t) => {
  const topic = uniqueTopic('readers-open');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 1 }]);
  const txnal = new Producer({ ...base(), idempotent: true, transactionalId: uniqueTopic('txn') });
  t.after(() => txnal.close());
  const txn = await txnal.beginTransaction();
  await txn.send({ messages: [{ topic, partition: 0, value: Buffer.from('late') }], acks: -1 });
  const values: (string | null)[] = [];
  const restoring = readPartition(reader(t), topic, 0, (_k, v) => values.push(text(v)));
  await sleep(500);
  assert.deepEqual(values, [], 'nothing before the transaction ends');
  await txn.commit();
  await restoring;
  assert.deepEqual(values, ['late']);
});

test('two instances share terminal counts; a partition taken over continues from its last committed count', async (t) => {
  const topic = uniqueTopic('terminal-counts');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 3, compacted: true }]);
  const producer = new Producer({ ...base(), idempotent: true });
  t.after(() => producer.close());
  const sink = new KafkaSink(producer, { copartitioned: new Set([topic]) });
  const instance = async () => {
    const terminals = new TerminalAggregate();
    const sync = new TerminalCountsSync(terminals, topic, log, { partitions: 3 });
    const client = reader(t);
    const follower = new TopicFollower(client, topic, (p, r) => sync.applyBatch(p, r), log);
    follower.start();
    t.after(() => follower.close());
    await follower.caughtUp(20_000);
    return { terminals, sync, client };
  };
  const a = await instance();
  const b = await instance();
  await a.sync.restore(0, a.client);
  await a.sync.restore(2, a.client);
  await b.sync.restore(1, b.client);
  a.terminals.addTransactions('term|1', day, 3, 0);
  a.terminals.addTransactions('term-2', day, 1, 2);
  b.terminals.addTransactions('term|1', day, 2, 1);
  await sink.send([...a.sync.recordsFor(0), ...a.sync.recordsFor(2), ...b.sync.recordsFor(1)]);
  b.terminals.addTransactions('term|1', day, 4, 1);
  await sink.send(b.sync.recordsFor(1));
  await until(
    'counts read',
    () => a.terminals.transactions('term|1', day) === 9 && b.terminals.transactions('term-2', day) === 1,
  );
  assert.equal(b.terminals.transactions('term|1', day), 9);

  // Partition 1 moves from b to a fresh instance c.
  b.sync.revoked([1]);
  const c = await instance();
  assert.equal(await c.sync.restore(1, c.client), 2, 'both records of the cell, the last one wins');
  assert.equal(c.terminals.addTransactions('term|1', day, 1, 1), 7);
  await sink.send(c.sync.recordsFor(1));
  await until('the new owner is followed', () => a.terminals.transactions('term|1', day) === 10);
});
