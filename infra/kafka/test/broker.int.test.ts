import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin, ConfigResourceTypes, Producer } from '@platformatic/kafka';
import { readRecords, testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { ensureTopics } from '../topics.ts';

test('a 6-partition topic round-trips 1,000 records through a consumer group with keys, values and order intact', async (t) => {
  const topic = uniqueTopic('round-trip');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 6 }]);

  const producer = new Producer({
    clientId: 'round-trip-test',
    bootstrapBrokers: testBrokers(),
    idempotent: true,
    retries: 5, // an idempotent producer's default is to retry for ever
  });
  t.after(() => producer.close());
  const sent = Array.from({ length: 1000 }, (_, i) => ({ key: `card-${i % 37}`, value: `tx-${i}` }));
  for (let i = 0; i < sent.length; i += 100) {
    const messages = sent
      .slice(i, i + 100)
      .map((s) => ({ topic, key: Buffer.from(s.key), value: Buffer.from(s.value) }));
    await producer.send({ messages });
  }

  const received = (await readRecords(t, [topic], sent.length)).map((r) => ({
    ...r,
    key: r.key.toString(),
    value: r.value.toString(),
  }));

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

test('topics are created with the asked partition count, compaction and retention, and a second call changes nothing', async (t) => {
  const compacted = uniqueTopic('compacted');
  const retained = uniqueTopic('retained');
  await ensureTopics(testBrokers(), [
    { name: compacted, partitions: 3, compacted: true },
    { name: retained, partitions: 2, retentionMs: 3_600_000 },
  ]);
  // Idempotent: existing topics are left as they are, whatever the second call asks.
  await ensureTopics(testBrokers(), [{ name: compacted, partitions: 5 }]);

  const admin = new Admin({ clientId: 'topics-test', bootstrapBrokers: testBrokers() });
  t.after(() => admin.close());
  const meta = await admin.metadata({ topics: [compacted, retained] });
  assert.equal(meta.topics.get(compacted)?.partitionsCount, 3);
  assert.equal(meta.topics.get(retained)?.partitionsCount, 2);
  const configs = await admin.describeConfigs({
    resources: [compacted, retained].map((resourceName) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName,
      configurationKeys: ['cleanup.policy', 'retention.ms'],
    })),
  });
  const value = (topic: string, name: string) =>
    configs.find((c) => c.resourceName === topic)?.configs.find((c) => c.name === name)?.value;
  assert.equal(value(compacted, 'cleanup.policy'), 'compact');
  assert.equal(value(retained, 'cleanup.policy'), 'delete');
  assert.equal(value(retained, 'retention.ms'), '3600000');
});
