import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureTopics, topicConfigs } from '../topics.ts';

test('topics on an address where nothing listens fail with TOPICS_FAILED naming the topic, the address and why', async () => {
  // Port 1 on loopback: nothing listens there, so every connection attempt is refused at once.
  await assert.rejects(ensureTopics(['127.0.0.1:1'], [{ name: 'never-created', partitions: 1 }]), (error: unknown) => {
    const e = error as { code?: unknown; message?: unknown };
    assert.equal(e.code, 'TOPICS_FAILED');
    assert.match(String(e.message), /^cannot create topics never-created on 127\.0\.0\.1:1: \S/);
    assert.doesNotMatch(String(e.message), /failed \d+ times\.$/, 'the reason is the innermost error, not the wrapper');
    return true;
  });
});

test('a spec asks for compaction and retention only when it says so', () => {
  assert.deepEqual(topicConfigs({ name: 't', partitions: 1 }), []);
  assert.deepEqual(topicConfigs({ name: 't', partitions: 1, compacted: true, retentionMs: 60_000 }), [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'retention.ms', value: '60000' },
  ]);
});
