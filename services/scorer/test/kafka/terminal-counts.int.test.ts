import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '../../../../infra/kafka/topics.ts';
import { testBrokers, uniqueTopic } from '../../../../test-support/kafka.ts';
import { TerminalAggregate } from '../../src/core/features/terminal-aggregate.ts';
import { TerminalCountsSync } from '../../src/kafka/terminal-counts.ts';
import { createLogger } from '../../src/observability/logger.ts';

test('two instances sharing counts through the compacted topic both see the sum of their terminal traffic', async (t) => {
  const topic = uniqueTopic('terminal-counts');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 3, compacted: true }]);
  const kafka = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const log = createLogger('silent', 'test');
  const day = 17_700;

  const instances = ['a', 'b'].map((source) => {
    const terminals = new TerminalAggregate();
    return { source, terminals, sync: new TerminalCountsSync(terminals, producer, topic, source, log) };
  });
  for (const { source, sync } of instances) {
    const consumer = kafka.consumer({ groupId: uniqueTopic(`counts-${source}`) });
    await consumer.connect();
    t.after(() => consumer.disconnect());
    await sync.follow(consumer);
  }
  const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
  a.terminals.addTransactions('term-1', day, 3, 'a');
  a.terminals.addTransactions('term-2', day, 1, 'a');
  b.terminals.addTransactions('term-1', day, 2, 'b');
  await a.sync.publish();
  await b.sync.publish();
  // A later count replaces the earlier one of the same source (last write wins), it is not added to it.
  b.terminals.addTransactions('term-1', day, 4, 'b');
  await b.sync.publish();

  const deadline = Date.now() + 30_000;
  while (
    Date.now() < deadline &&
    (a.terminals.transactions('term-1', day) !== 9 || b.terminals.transactions('term-2', day) !== 1)
  ) {
    await sleep(100);
  }
  for (const { terminals } of instances) {
    assert.equal(terminals.transactions('term-1', day), 9);
    assert.equal(terminals.transactions('term-2', day), 1);
  }
});
