import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer, compatibilityPartitioner } from '@platformatic/kafka';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { sampleTransaction } from '../../../schemas/test/fixtures.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { loadConfig } from '../src/config.ts';
import { baseClientOptions } from '../src/kafka/client-options.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ScorerService } from '../src/service.ts';
import { createScorerTopics, decisionsPerTransaction, scorerTopicEnv } from './scorer-topics.ts';

const codecs = createSchemaCodecs();

// A misconfiguration: two live processes given one SCORER_INSTANCE_ID. They share a group.instance.id, so the
// second one's join fences the first in the group (FENCED_INSTANCE_ID), which stops; in exactly-once they also
// share a transactional id, and a producer fenced twice within 30 s stops its instance too. The stopped one
// commits nothing on its way out, and the other goes on alone.
for (const delivery of ['exactly-once', 'at-least-once'] as const) {
  const once = delivery === 'exactly-once' ? ' exactly once' : '';
  test(`two live instances given one SCORER_INSTANCE_ID (${delivery}): one stops, the other decides every transaction${once}`, (t) =>
    twins(t, delivery));
}

async function twins(t: TestContext, delivery: 'exactly-once' | 'at-least-once'): Promise<void> {
  const topics = scorerTopicEnv('twins');
  await createScorerTopics(topics, 3);
  const brokers = testBrokers();
  const env = {
    ...topics,
    KAFKA_BROKERS: brokers.join(','),
    TOPIC_REPLICATION_FACTOR: '1',
    HTTP_PORT: '0',
    DEADLINE_MS: '60000',
    MODEL_PATH: '',
    SCORER_INSTANCE_ID: uniqueTopic('twin'),
    DELIVERY: delivery,
  };
  const twins: ScorerService[] = [];
  t.after(() => Promise.all(twins.map((s) => s.stop('test over'))));
  twins.push(await ScorerService.start(loadConfig(env, []), createLogger('silent', 'twin-a')));

  const producer = new Producer(baseClientOptions(brokers, 'twins-test'));
  t.after(() => producer.close());
  const total = 3000;
  let sent = 0;
  const send = async (to: number) => {
    const messages = [];
    for (let j = sent; j < to; j++) {
      const tx = sampleTransaction({
        transactionId: `twin-${j}`,
        cardId: `card-${(j % 61).toString(16).padStart(4, '0')}`,
        eventTime: Date.UTC(2018, 3, 1) + j * 30_000,
      });
      messages.push({
        topic: topics.TOPIC_TRANSACTIONS,
        key: Buffer.from(tx.cardId),
        value: codecs.transaction.encode(tx),
      });
    }
    await producer.send({ messages, acks: -1, partitioner: compatibilityPartitioner });
    sent = to;
  };
  await send(500);
  twins.push(await ScorerService.start(loadConfig(env, []), createLogger('silent', 'twin-b')));
  // Traffic goes on while they fight: 50 transactions every 50 ms.
  const deadline = Date.now() + 90_000;
  while (twins.every((s) => s.state === 'running') && Date.now() < deadline) {
    if (sent < total) await send(Math.min(total, sent + 50));
    await sleep(50);
  }
  const states = twins.map((s) => s.state);
  t.diagnostic(`after ${sent} sent: ${states.join(', ')}`);
  const failed = twins.filter((s) => s.state === 'failed' || s.state === 'draining');
  assert.equal(failed.length, 1, `one twin stops by itself (states: ${states.join(', ')})`);
  assert.equal(await failed[0]!.finished, 1, 'with exit code 1');
  const survivor = twins.find((s) => s !== failed[0])!;
  while (sent < total) await send(Math.min(total, sent + 250));

  // Read committed: every transaction decided exactly once, by whoever held its partition when it committed.
  const seen = await decisionsPerTransaction(baseClientOptions(brokers, 'twins-reader'), topics.TOPIC_DECISIONS, total);
  assert.equal(seen.size, total, 'every transaction has a decision');
  const twice = [...seen.values()].filter((n) => n > 1).length;
  t.diagnostic(`decided more than once: ${twice}`);
  if (delivery === 'exactly-once') assert.equal(twice, 0, 'none has two');
  assert.equal(survivor.state, 'running', 'the other twin is still running');
}
