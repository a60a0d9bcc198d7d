import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Decision, Transaction } from '../../../schemas/src/types.ts';
import { sampleTransaction } from '../../../schemas/test/fixtures.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { scorerClients } from './kafka/clients.ts';
import { createScorerTopics, scorerTopicEnv } from './scorer-topics.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ScorerService } from '../src/service.ts';

const codecs = createSchemaCodecs();

async function startScorer(env: Record<string, string>) {
  const config = loadConfig(
    // MODEL_PATH lets the test run against a candidate model; by default it is the shipped one.
    {
      ...env,
      MODEL_PATH: process.env['MODEL_PATH'] ?? '',
      KAFKA_BROKERS: testBrokers().join(','),
      TOPIC_REPLICATION_FACTOR: '1',
      HTTP_PORT: '0',
      DEADLINE_MS: '60000',
      METRICS_INTERVAL_MS: '200',
    },
    [],
  );
  return ScorerService.start(config, createLogger('warn', 'scorer-test'));
}

/** Collects every record of a topic from the beginning until `count` arrived (or 60 s passed). */
async function collect(kafka: Kafka, topic: string, count: number) {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueTopic('collector') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: { key: string; value: Buffer; headers: Record<string, string> }[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic}: ${got.length} of ${count} records in 60 s`)), 60_000);
    void consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        got.push({ key: message.key?.toString() ?? '', value: message.value!, headers });
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return got;
}

function transactions(n: number): Transaction[] {
  return Array.from({ length: n }, (_, i) =>
    sampleTransaction({
      transactionId: `it-${i}`,
      cardId: `card-${(i % 13).toString(16).padStart(4, '0')}`,
      amountMinor: 500 + ((i * 7919) % 40_000),
      eventTime: Date.UTC(2018, 3, 1) + i * 60_000,
    }),
  );
}

test('every transaction gets exactly one decision and every bad record a dead letter naming its stage', async (t) => {
  const topics = scorerTopicEnv('scorer');
  const brokers = testBrokers();
  await createScorerTopics(topics, 3);
  const scorer = await startScorer(topics);
  t.after(() => scorer.stop('test over'));

  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const txs = transactions(300);
  const good = txs.map((tx) => ({ key: tx.cardId, value: codecs.transaction.encode(tx) }));
  const framed = codecs.transaction.encode(txs[0]!);
  const bad = [
    {
      key: 'card-bad1',
      value: Buffer.from([1, 0, 0, 0, 1, 2, 3]),
      headers: { trace: 'x1' },
      stage: 'decode',
      code: 'BAD_MAGIC',
    },
    { key: 'card-bad2', value: framed.subarray(0, 12), headers: { trace: 'x2' }, stage: 'decode', code: 'TRUNCATED' },
    {
      key: 'card-bad3',
      value: codecs.transaction.encode({ ...txs[1]!, transactionId: 'neg', amountMinor: -5 }),
      headers: { trace: 'x3' },
      stage: 'validate',
      code: 'AMOUNT_INVALID',
    },
  ];
  await producer.send({
    topic: topics.TOPIC_TRANSACTIONS,
    messages: [
      ...good.slice(0, 150),
      ...bad.map(({ key, value, headers }) => ({ key, value, headers })),
      ...good.slice(150),
    ],
  });

  const decisions = await collect(kafka, topics.TOPIC_DECISIONS, txs.length);
  const decoded = decisions.map((d) => codecs.decision.decode(d.value));
  assert.deepEqual(decoded.map((d) => d.transactionId).sort(), txs.map((tx) => tx.transactionId).sort());
  for (let i = 0; i < decoded.length; i++) {
    const d: Decision = decoded[i]!;
    assert.equal(decisions[i]!.key, d.cardId, 'decisions are keyed by card');
    assert.ok(['APPROVE', 'REVIEW', 'DECLINE'].includes(d.action));
    assert.equal(d.degraded, false);
    assert.ok(d.score >= 0 && d.score <= 1, `score ${d.score}`);
    assert.ok(d.modelVersion.length > 0);
    // Read back from the topic (Decision v3): REVIEW and DECLINE carry the model's reasons, approvals none.
    assert.equal(d.explanation !== null, d.action !== 'APPROVE', `${d.transactionId} ${d.action}`);
    if (d.explanation !== null) {
      // The score is the margin's sigmoid (as float32: compare in probability).
      assert.ok(Math.abs(1 / (1 + Math.exp(-d.explanation.margin)) - d.score) < 1e-6, 'score = sigmoid(margin)');
      assert.ok(d.explanation.contributions.length > 0 && d.explanation.contributions.length <= 5);
    }
  }

  // Decisions are keyed by card, so a card's decisions share a partition and come out in the input's order.
  const lastEventTime = new Map<string, number>();
  for (const d of decoded) {
    assert.ok(d.eventTime > (lastEventTime.get(d.cardId) ?? -1), `${d.cardId}: ${d.transactionId} out of order`);
    lastEventTime.set(d.cardId, d.eventTime);
  }

  const dead = await collect(kafka, topics.TOPIC_DLQ, bad.length);
  assert.equal(dead.length, bad.length);
  for (const b of bad) {
    const d = dead.find((x) => x.key === b.key);
    assert.ok(d, `dead letter for ${b.key}`);
    assert.deepEqual(d.value, b.value, 'the original bytes are kept');
    assert.equal(d.headers['trace'], b.headers.trace, 'the original headers are kept');
    assert.equal(d.headers['dlq.stage'], b.stage);
    assert.equal(d.headers['dlq.error.code'], b.code);
    assert.equal(d.headers['dlq.original.topic'], topics.TOPIC_TRANSACTIONS);
    assert.match(d.headers['dlq.original.offset'] ?? '', /^\d+$/);
  }

  // Offsets are committed once the decisions are acknowledged: the group ends at the topic's end.
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  const deadline = Date.now() + 15_000;
  let committed = 0;
  for (;;) {
    const [offsets] = await admin.fetchOffsets({
      groupId: topics.SCORER_GROUP_ID,
      topics: [topics.TOPIC_TRANSACTIONS],
    });
    committed = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    if (committed === txs.length + bad.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(committed, txs.length + bad.length);

  const latency = (await (await fetch(`${scorer.url}/api/latency?encoded=false&distribution=false`)).json()) as {
    totals: { transactionsIn: number; decisionsOut: number; deadLetters: number };
  };
  assert.equal(latency.totals.transactionsIn, txs.length + bad.length);
  assert.equal(latency.totals.decisionsOut, txs.length);
  assert.equal(latency.totals.deadLetters, bad.length);
  assert.equal((await fetch(`${scorer.url}/readyz`)).status, 200);
});

test('a scorer stopped cleanly and started again decides every transaction exactly once', async (t) => {
  const topics = scorerTopicEnv('scorer');
  const brokers = testBrokers();
  await createScorerTopics(topics, 2);
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const txs = transactions(400);
  const send = (part: Transaction[]) =>
    producer.send({
      topic: topics.TOPIC_TRANSACTIONS,
      messages: part.map((tx) => ({ key: tx.cardId, value: codecs.transaction.encode(tx) })),
    });

  const first = await startScorer(topics);
  await send(txs.slice(0, 200));
  await collect(kafka, topics.TOPIC_DECISIONS, 200);
  await first.stop('restart');
  assert.equal(first.state, 'stopped');
  await send(txs.slice(200));
  const second = await startScorer(topics);
  t.after(() => second.stop('test over'));

  const all = await collect(kafka, topics.TOPIC_DECISIONS, txs.length);
  const ids = new Set(all.map((d) => codecs.decision.decode(d.value).transactionId));
  assert.equal(ids.size, txs.length, 'every transaction decided, none twice');
});

test('a missing input topic stops the start with BAD_CONFIG naming it; missing outputs are created like the input', async (t) => {
  const topics = scorerTopicEnv('topics');
  await assert.rejects(startScorer(topics), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'BAD_CONFIG');
    assert.match(error.message, new RegExp(`${topics.TOPIC_TRANSACTIONS}, ${topics.TOPIC_LABELS} not found`));
    return true;
  });

  await ensureTopics(testBrokers(), [
    { name: topics.TOPIC_TRANSACTIONS, partitions: 4 },
    { name: topics.TOPIC_LABELS, partitions: 1 },
  ]);
  const scorer = await startScorer(topics);
  t.after(() => scorer.stop('test over'));
  const { offsets } = scorerClients(t);
  for (const name of [
    topics.TOPIC_DECISIONS,
    topics.TOPIC_DLQ,
    topics.TOPIC_TERMINAL_COUNTS,
    topics.TOPIC_CARD_STATE,
  ]) {
    assert.equal((await offsets.range(name)).end.length, 4, name);
  }
});
