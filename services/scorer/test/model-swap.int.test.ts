import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Decision, Transaction } from '../../../schemas/src/types.ts';
import { sampleTransaction } from '../../../schemas/test/fixtures.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { loadConfig } from '../src/config.ts';
import type { ModelPort } from '../src/core/model-port.ts';
import { loadOnnxModel } from '../src/model/onnx-model.ts';
import type { ModelLoader } from '../src/model/onnx-model.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ScorerService } from '../src/service.ts';
import { modelVariant, shippedFeatureNames } from './model/model-variants.ts';
import { createScorerTopics, scorerTopicEnv } from './scorer-topics.ts';

const codecs = createSchemaCodecs();
const TOKEN = 'test-admin-token-0123456789';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-swap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startScorer(t: TestContext, env: Record<string, string>, loadModel?: ModelLoader) {
  const config = loadConfig(
    {
      ...env,
      KAFKA_BROKERS: testBrokers().join(','),
      TOPIC_REPLICATION_FACTOR: '1',
      HTTP_PORT: '0',
      // Nothing may be decided by rules alone because the machine is slow: "none degraded" is asserted.
      DEADLINE_MS: '600000',
      METRICS_INTERVAL_MS: '200',
      SCORER_ADMIN_TOKEN: TOKEN,
    },
    [],
  );
  const scorer = await ScorerService.start(
    config,
    createLogger('warn', 'model-swap-test'),
    loadModel === undefined ? {} : { loadModel },
  );
  t.after(() => scorer.stop('test over'));
  return scorer;
}

/** Transactions over 40 cards, amounts spread so that every action occurs. */
function transactions(prefix: string, from: number, n: number): Transaction[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return sampleTransaction({
      transactionId: `${prefix}-${i}`,
      cardId: `card-${(i % 40).toString(16).padStart(4, '0')}`,
      amountMinor: 300 + ((i * 7919) % 250_000),
      eventTime: Date.UTC(2018, 3, 1) + i * 30_000,
    });
  });
}

async function send(producer: Producer, topic: string, txs: readonly Transaction[]): Promise<void> {
  await producer.send({ topic, messages: txs.map((tx) => ({ key: tx.cardId, value: codecs.transaction.encode(tx) })) });
}

/**
 * Every decision on `topic` (read committed) until `count` distinct transactions are decided (or the ones `done`
 * wants), or 90 s.
 */
async function decisions(
  kafka: Kafka,
  topic: string,
  count: number,
  done = (ids: Set<string>) => ids.size >= count,
): Promise<Decision[]> {
  const consumer = kafka.consumer({ groupId: uniqueTopic('collector') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Decision[] = [];
  const ids = new Set<string>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: ${ids.size} of ${count} decided in 90 s`)), 90_000);
      void consumer.run({
        eachMessage: ({ message }) => {
          const d = codecs.decision.decode(message.value!);
          got.push(d);
          ids.add(d.transactionId);
          if (done(ids)) {
            clearTimeout(timer);
            // A moment more, so a duplicate right behind would be seen too.
            setTimeout(resolve, 500);
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

async function admin(url: string, method: string, path: string, body?: object, token: string | null = TOKEN) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function metric(url: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? NaN : Number(found.split(' ').pop());
}

test('under steady traffic a new model is swapped in: one decision per transaction, none degraded, each naming its model', async (t) => {
  const dir = tempDir(t);
  const next = modelVariant(dir, 'next.onnx', { model_version: 'swap-test-next', threshold_review: '0.2' });
  const names = shippedFeatureNames();
  [names[0], names[1]] = [names[1]!, names[0]!];
  const wrongOrder = modelVariant(dir, 'wrong-order.onnx', { feature_names: JSON.stringify(names) });

  const topics = scorerTopicEnv('swap');
  await createScorerTopics(topics, 3);
  const scorer = await startScorer(t, topics);
  const url = scorer.url!;
  const before = (await admin(url, 'GET', '/admin/models')).body as { champion: { version: string } };
  const oldVersion = before.champion.version;

  const kafka = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());

  // Steady traffic: 40 transactions every 20 ms, until 800 more after the swap (at most 8000 in all); the model
  // changes are asked for while it flows.
  let sent = 0;
  let sentBeforeSwapAnswered = -1;
  let stopAt = 8000;
  const traffic = (async () => {
    while (sent < stopAt) {
      await send(producer, topics.TOPIC_TRANSACTIONS, transactions('swap', sent, 40));
      sent += 40;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  // The first 800 are decided by the model the scorer started with: nothing is asked before they are.
  while (sent < 800) await new Promise((resolve) => setTimeout(resolve, 10));
  await decisions(kafka, topics.TOPIC_DECISIONS, 800, (ids) =>
    Array.from({ length: 800 }, (_, i) => `swap-${i}`).every((id) => ids.has(id)),
  );

  const unauthorised = await admin(url, 'POST', '/admin/model', { path: next }, null);
  assert.equal(unauthorised.status, 401, 'no token: refused');
  const wrongToken = await admin(url, 'POST', '/admin/model', { path: next }, 'not-the-token-at-all');
  assert.equal(wrongToken.status, 401, 'a wrong token: refused');
  const refused = await admin(url, 'POST', '/admin/model', { path: wrongOrder });
  assert.equal(refused.status, 422, 'features in another order: refused');
  assert.equal(refused.body['code'], 'MODEL_MISMATCH');
  assert.match(String(refused.body['reason']), /features differ from the spec at #0/);
  const swapped = await admin(url, 'POST', '/admin/model', { path: next });
  sentBeforeSwapAnswered = sent;
  stopAt = Math.min(stopAt, sent + 800);
  assert.equal(swapped.status, 200, JSON.stringify(swapped.body));
  assert.deepEqual([swapped.body['version'], swapped.body['previous']], ['swap-test-next', oldVersion]);
  await traffic;
  const total = sent;
  assert.ok(total > sentBeforeSwapAnswered, 'traffic went on after the swap');

  const all = await decisions(kafka, topics.TOPIC_DECISIONS, total);
  const ids = all.map((d) => d.transactionId);
  assert.equal(new Set(ids).size, total, 'every transaction decided');
  assert.equal(ids.length, total, 'and decided once');
  assert.deepEqual(
    all.filter((d) => d.degraded),
    [],
    'none degraded by the swap',
  );
  const versions = new Set(all.map((d) => d.modelVersion));
  assert.deepEqual([...versions].sort(), [oldVersion, 'swap-test-next'].sort(), 'both models decided');
  for (const d of all) {
    const i = Number(d.transactionId.split('-')[1]);
    if (i >= sentBeforeSwapAnswered)
      assert.equal(d.modelVersion, 'swap-test-next', `${d.transactionId} after the swap`);
    if (i < 800) assert.equal(d.modelVersion, oldVersion, `${d.transactionId} before any change was asked for`);
  }
  // Per card, in order: once the new model decides, the old one never does again.
  const swappedCards = new Set<string>();
  for (const d of all.sort((a, b) => a.eventTime - b.eventTime)) {
    if (d.modelVersion === 'swap-test-next') swappedCards.add(d.cardId);
    else assert.ok(!swappedCards.has(d.cardId), `${d.transactionId}: the old model after the new one`);
  }
  const models = (await admin(url, 'GET', '/admin/models')).body as { champion: { version: string } };
  assert.equal(models.champion.version, 'swap-test-next');
  assert.equal(await metric(url, /^scorer_model_changes_total\{role="champion",result="ok"\}/), 1);
  assert.equal(await metric(url, /^scorer_model_changes_total\{role="champion",result="refused"\}/), 1);
  assert.equal(await metric(url, /^scorer_model_info\{role="champion",version="swap-test-next"\}/), 1);
});

/** Loads models as the scorer does, but one named `throwing.onnx` fails every call after its warm-up. */
const throwingAfterWarmUp: ModelLoader = async (path, expected) => {
  const model = await loadOnnxModel(path, expected);
  if (!path.endsWith('throwing.onnx')) return model;
  let calls = 0;
  const throwing: ModelPort = {
    info: model.info,
    score: (features, rows, out) =>
      ++calls <= 3 ? model.score(features, rows, out) : Promise.reject(new Error('the challenger broke')),
    close: () => model.close(),
  };
  return throwing;
};

test('a challenger scores beside the champion without changing an action; one that throws changes only a counter', async (t) => {
  const dir = tempDir(t);
  const challengerPath = modelVariant(dir, 'challenger.onnx', { model_version: 'challenger-test' });
  const throwingPath = modelVariant(dir, 'throwing.onnx', { model_version: 'challenger-throwing' });
  const alone = scorerTopicEnv('champion-alone');
  const shadowed = scorerTopicEnv('challenged');
  await createScorerTopics(alone, 3);
  await createScorerTopics(shadowed, 3);
  const championAlone = await startScorer(t, alone);
  const challenged = await startScorer(t, { ...shadowed, CHALLENGER_MODEL_PATH: challengerPath }, throwingAfterWarmUp);
  const url = challenged.url!;

  const kafka = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const first = transactions('ch', 0, 600);
  await send(producer, alone.TOPIC_TRANSACTIONS, first);
  await send(producer, shadowed.TOPIC_TRANSACTIONS, first);
  const reference = new Map((await decisions(kafka, alone.TOPIC_DECISIONS, 600)).map((d) => [d.transactionId, d]));
  const withChallenger = await decisions(kafka, shadowed.TOPIC_DECISIONS, 600);
  assert.equal(withChallenger.length, 600);
  for (const d of withChallenger) {
    const ref = reference.get(d.transactionId)!;
    assert.equal(ref.challenger, null, 'no challenger, no challenger score');
    assert.equal(d.action, ref.action, `${d.transactionId}: the challenger changed the action`);
    assert.equal(d.score, ref.score);
    assert.equal(d.modelVersion, ref.modelVersion);
    // The challenger's trees are the champion's: the same rows give the same score, so it scored the same rows.
    assert.deepEqual(d.challenger, { modelVersion: 'challenger-test', score: d.score });
  }
  assert.ok(new Set(withChallenger.map((d) => d.action)).size > 1, 'more than one action occurred');

  const set = await admin(url, 'POST', '/admin/model', { path: throwingPath, role: 'challenger' });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.equal(set.body['previous'], 'challenger-test');
  const second = transactions('ch', 600, 600);
  await send(producer, alone.TOPIC_TRANSACTIONS, second);
  await send(producer, shadowed.TOPIC_TRANSACTIONS, second);
  // Read from the beginning again: the first 600 come back too, interleaved by partition with the new ones.
  for (const d of await decisions(kafka, alone.TOPIC_DECISIONS, 1200)) reference.set(d.transactionId, d);
  const after = (await decisions(kafka, shadowed.TOPIC_DECISIONS, 1200)).filter(
    (d) => Number(d.transactionId.split('-')[1]) >= 600,
  );
  assert.equal(after.length, 600);
  for (const d of after) {
    const ref = reference.get(d.transactionId)!;
    assert.equal(d.degraded, false, `${d.transactionId}: degraded by a failing challenger`);
    assert.equal(d.action, ref.action, `${d.transactionId}: the failing challenger changed the action`);
    assert.equal(d.score, ref.score);
    assert.equal(d.challenger, null, 'a failed or paused challenger leaves no score');
  }
  assert.ok((await metric(url, /^scorer_challenger_rows_total\{outcome="failed"\}/)) > 0, 'the failure is counted');
  assert.ok((await metric(url, /^scorer_challenger_rows_total\{outcome="scored"\}/)) >= 600);

  const back = await admin(url, 'POST', '/admin/model', { path: challengerPath, role: 'challenger' });
  assert.equal(back.body['previous'], 'challenger-throwing');
  const promoted = await admin(url, 'POST', '/admin/promote');
  assert.equal(promoted.status, 200);
  assert.equal(promoted.body['version'], 'challenger-test');
  const removedNone = await admin(url, 'DELETE', '/admin/challenger');
  assert.equal(removedNone.status, 200);
  assert.equal(removedNone.body['previous'], null);
  assert.equal(championAlone.state, 'running');
});
