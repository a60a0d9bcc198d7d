import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { ensureTopics } from '../topics.ts';

test('a 6-partition topic round-trips 1,000 records through a consumer group with keys, values and order intact', async (t) => {
  const kafka = new Kafka({ clientId: 'round-trip-test', brokers: testBrokers(), logLevel: logLevel.ERROR });
  const topic = uniqueTopic('round-trip');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 6 }]);

  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const sent = Array.from({ length: 1000 }, (_, i) => ({ key: `card-${i % 37}`, value: `tx-${i}` }));
  for (let i = 0; i < sent.length; i += 100) await producer.send({ topic, messages: sent.slice(i, i + 100) });

  const consumer = kafka.consumer({ groupId: uniqueTopic('round-trip-group') });
  await consumer.connect();
  t.after(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: { partition: number; offset: bigint; key: string; value: string }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of 1000 records within 60 s`)), 60_000);
    void consumer.run({
      eachMessage: ({ partition, message }) => {
        received.push({
          partition,
          offset: BigInt(message.offset),
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
        });
        if (received.length === sent.length) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await done;

  assert.equal(received.length, 1000);
  assert.deepEqual(received.map((r) => `${r.key}=${r.value}`).sort(), sent.map((s) => `${s.key}=${s.value}`).sort());
  const partitionsUsed = new Set(received.map((r) => r.partition));
  assert.ok(partitionsUsed.size > 1, 'records are spread over several partitions');
  for (const partition of partitionsUsed) {
    const inPartition = received.filter((r) => r.partition === partition);
    // The same key always lands in the same partition, and a partition's records come back in send order.
    const sendIndex = inPartition.map((r) => Number(r.value.slice(3)));
    assert.deepEqual(
      sendIndex,
      [...sendIndex].sort((a, b) => a - b),
      `partition ${partition} is in send order`,
    );
    for (let i = 1; i < inPartition.length; i++) assert.ok(inPartition[i]!.offset > inPartition[i - 1]!.offset);
  }
  const partitionOfKey = new Map<string, number>();
  for (const r of received) {
    const seen = partitionOfKey.get(r.key);
    if (seen !== undefined) assert.equal(r.partition, seen, `key ${r.key} stays in one partition`);
    partitionOfKey.set(r.key, r.partition);
  }
});

test('topics are created with the asked partition count and compaction', async () => {
  const topic = uniqueTopic('compacted');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 3, compacted: true }]);
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 3, compacted: true }]); // idempotent
  const admin = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(meta.topics[0]?.partitions.length, 3);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
    });
    assert.equal(configs.resources[0]?.configEntries[0]?.configValue, 'compact');
  } finally {
    await admin.disconnect();
  }
});
