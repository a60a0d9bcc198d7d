import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTopics } from '../../../../infra/kafka/topics.ts';
import { testBrokers, uniqueTopic } from '../../../../test-support/kafka.ts';
import { TerminalAggregate } from '../../src/core/features/terminal-aggregate.ts';
import { TerminalCountsSync } from '../../src/kafka/terminal-counts.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { scorerClients } from './clients.ts';

const log = createLogger('silent', 'test');
const day = 17_700;

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A fresh compacted counts topic and a way to start instances that follow it. */
async function countsTopic(t: TestContext) {
  const topic = uniqueTopic('terminal-counts');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 3, compacted: true }]);
  const clients = scorerClients(t);
  const instance = async (name: string, groupId = uniqueTopic(`counts-${name}`)) => {
    const terminals = new TerminalAggregate();
    const sync = new TerminalCountsSync(terminals, clients.producer, topic, log, { offsets: clients.offsets });
    const member = clients.member(topic, 'earliest', groupId);
    await sync.follow(member, (error) => {
      throw error;
    });
    return { terminals, sync, member };
  };
  return { instance };
}

test('two instances sharing counts through the compacted topic both see the sum of their terminal traffic', async (t) => {
  const { instance } = await countsTopic(t);
  const a = await instance('a');
  const b = await instance('b');
  await a.sync.assigned([0, 2]);
  await b.sync.assigned([1]);
  a.terminals.addTransactions('term|1', day, 3, 0);
  a.terminals.addTransactions('term-2', day, 1, 2);
  b.terminals.addTransactions('term|1', day, 2, 1);
  await a.sync.publish();
  await b.sync.publish();
  // A later count replaces the earlier one of the same partition (last write wins), it is not added to it.
  b.terminals.addTransactions('term|1', day, 4, 1);
  await b.sync.publish();

  await until(
    'counts read',
    () => a.terminals.transactions('term|1', day) === 9 && b.terminals.transactions('term-2', day) === 1,
  );
  for (const { terminals } of [a, b]) {
    assert.equal(terminals.transactions('term|1', day), 9);
    assert.equal(terminals.transactions('term-2', day), 1);
  }
});

test('a partition moved to another instance, or taken back after a restart, continues its published count', async (t) => {
  const { instance } = await countsTopic(t);
  const a = await instance('a');
  const b = await instance('b');
  await a.sync.assigned([0]);
  a.terminals.addTransactions('T', day, 5, 0);
  await a.sync.publish();
  a.terminals.addTransactions('T', day, 2, 0);
  // The old owner gives the partition up: its last two transactions are published on the way out.
  await a.sync.revoked([0]);
  await b.sync.assigned([0]);
  assert.equal(b.terminals.addTransactions('T', day, 1, 0), 8);
  await b.sync.publish();
  await until('the old owner follows the new one', () => a.terminals.transactions('T', day) === 8);

  // Every instance gone: a new one reads the topic from the start and takes over where the counts ended.
  await b.sync.revoked([0]);
  const c = await instance('c');
  await c.sync.assigned([0]);
  assert.equal(c.terminals.addTransactions('T', day, 1, 0), 9);
});

test('a cell that leaves the ring is deleted from the topic for every reader', async (t) => {
  const { instance } = await countsTopic(t);
  const a = await instance('a');
  const b = await instance('b');
  await a.sync.assigned([0]);
  a.terminals.addTransactions('idle', day, 4, 0);
  a.terminals.addTransactions('busy', day, 1, 0);
  await a.sync.publish();
  await until('the count read', () => b.terminals.transactions('idle', day) === 4);
  // The ring moves on: the busy terminal's old day is replaced, the idle terminal's is found by the sweep.
  a.terminals.addTransactions('busy', day + a.terminals.ringDays, 1, 0);
  await a.sync.publish();
  await until('the tombstone read', () => b.terminals.transactions('idle', day) === 0);
  const c = await instance('c');
  await c.sync.assigned([1]);
  assert.deepEqual(
    [c.terminals.transactions('idle', day), c.terminals.transactions('busy', day + c.terminals.ringDays)],
    [0, 1],
  );
  assert.equal(a.sync.stats.deleted, 2);
});

test('an instance restarted under the same counts group reads the counts from the start again', async (t) => {
  const { instance } = await countsTopic(t);
  const group = uniqueTopic('counts-stable');
  const a = await instance('a', group);
  await a.sync.assigned([0]);
  a.terminals.addTransactions('T', day, 3, 0);
  await a.sync.publish();
  const b = await instance('b');
  await until('the count read by another reader', () => b.terminals.transactions('T', day) === 3);
  await a.member.close();
  const again = await instance('a-again', group);
  await again.sync.assigned([0]);
  assert.equal(again.terminals.addTransactions('T', day, 1, 0), 4);
});
