import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer } from '@platformatic/kafka';
import { ensureTopics } from '../../../../infra/kafka/topics.ts';
import { readRecords, testBrokers, uniqueTopic } from '../../../../test-support/kafka.ts';
import { baseClientOptions } from '../../src/kafka/client-options.ts';
import { AbortJudge } from '../../src/kafka/fencing.ts';
import { errorIds } from '../../src/kafka/kafka-errors.ts';
import { KafkaTransactions } from '../../src/kafka/kafka-transactions.ts';

// What a broker outage longer than the transaction timeout, or a paused process, does to the scorer's producer:
// the coordinator aborts the open transaction itself and bumps the producer's epoch. The client sends its request
// timeout as the transaction timeout, so 2 s here; the coordinator looks for expired transactions every 10 s.
test('a transaction the coordinator aborts for its timeout fences the producer; that abort is judged fenced, and the next transaction, on a new producer, commits', async (t) => {
  const brokers = testBrokers();
  const topic = uniqueTopic('fenced');
  await ensureTopics(brokers, [{ name: topic, partitions: 1 }]);
  const transactionalId = uniqueTopic('fenced-txn');
  const txns = new KafkaTransactions(
    () =>
      new Producer({
        ...baseClientOptions(brokers, 'fenced-transaction-test', 3),
        timeout: 2_000,
        idempotent: true,
        transactionalId,
        producerId: -1n,
        producerEpoch: -1,
        autocreateTopics: false,
      }),
    () => {
      throw new Error('this test commits no offsets');
    },
    topic,
    {},
  );
  t.after(() => txns.close());
  await txns.init();
  const record = (text: string) => [{ topic, key: 'card', value: Buffer.from(text), headers: [] }];

  const expired = await txns.begin();
  await expired.send(record('left open'));
  // Expired after 2 s, aborted at the next check (every 10 s): 18 s leaves room for a busy broker.
  await sleep(18_000);
  const error: unknown = await expired.commit().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error !== undefined, 'the commit of a transaction the coordinator aborted fails');
  await expired.abort().catch(() => {});
  t.diagnostic(`commit after the timeout: ${errorIds(error).join(', ')}`);
  assert.equal(new AbortJudge(30_000).judge(error, Date.now()), 'fenced');

  const next = await txns.begin();
  await next.send(record('after'));
  await next.commit();
  // Read committed: the aborted record is not there, the new one is.
  const [only] = await readRecords(t, [topic], 1);
  assert.equal(only!.value.toString(), 'after');
});
