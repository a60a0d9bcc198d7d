import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type IHeaders, type Message } from 'kafkajs';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Decision, Label, Transaction } from '../../../schemas/src/types.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import {
  MB,
  PAN,
  badLabels,
  badTransactions,
  goodLabels,
  goodTransactions,
  interleave,
  oddButValid,
  type Case,
} from './fuzz-cases.ts';
import { createScorerTopics, scorerTopicEnv } from './scorer-topics.ts';
import { loadConfig } from '../src/config.ts';
import { DEFAULT_OUTPUT_LIMITS } from '../src/core/limits.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ScorerService } from '../src/service.ts';

// Malformed transactions and labels, interleaved with good ones, on a real broker: the scorer must keep running,
// dead-letter every bad record with its stage and code, decide every good one, and decide the good ones exactly as
// a run that never saw the bad ones.

const codecs = createSchemaCodecs();

/** Every record of a topic from the start, raw, until `count` arrived; then a little longer to catch extras. */
async function collect(kafka: Kafka, topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: uniqueTopic('fuzz-collector'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: { key: Buffer | null; value: Buffer | null; headers: IHeaders }[] = [];
  await consumer.run({
    eachMessage: ({ message }) => {
      got.push({ key: message.key, value: message.value, headers: message.headers ?? {} });
      return Promise.resolve();
    },
  });
  const deadline = Date.now() + 120_000;
  while (got.length < count && Date.now() < deadline) await sleep(100);
  await sleep(1500);
  await consumer.disconnect();
  return got;
}

function one(headers: IHeaders, name: string): string | undefined {
  const v = headers[name];
  assert.ok(!Array.isArray(v), `header ${name} appears once`);
  return v === undefined ? undefined : String(v);
}

/**
 * Runs `send` with `Buffer.byteLength(null)` answering 0: kafkajs sizes a header value before checking it for
 * null (record/v0 `sizeOfHeaders`), so it cannot send a null header value otherwise; the size it computes is unused
 * for null and the encoder writes the null (-1) correctly.
 */
async function allowingNullHeaderValues<T>(send: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(Buffer, 'byteLength')!;
  const byteLength = Buffer.byteLength.bind(Buffer);
  Object.defineProperty(Buffer, 'byteLength', {
    ...original,
    value: (value: Parameters<typeof byteLength>[0] | null, encoding?: BufferEncoding) =>
      value === null ? 0 : byteLength(value, encoding),
  });
  try {
    return await send();
  } finally {
    Object.defineProperty(Buffer, 'byteLength', original);
  }
}

/** Sends in order; records over 100 KB alone, so no produce request exceeds the broker's limit. */
async function send(kafka: Kafka, topic: string, cases: readonly Case[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    let group: Message[] = [];
    const flush = async () => {
      if (group.length > 0) await allowingNullHeaderValues(() => producer.send({ topic, acks: -1, messages: group }));
      group = [];
    };
    for (const c of cases) {
      const m: Message = {
        key: c.key,
        value: c.value,
        headers: { case: c.name, ...c.headers },
        // kafkajs' murmur2 takes minutes on a megabyte key: name the partition instead.
        ...((c.key?.length ?? 0) > 10_000 && { partition: 0 }),
      };
      const large = (c.value?.length ?? 0) + (c.key?.length ?? 0) > 100_000;
      if (large) await flush();
      group.push(m);
      if (large || group.length >= 50) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
}

interface RunResult {
  decisions: Map<string, Decision>;
  decisionCount: number;
  deadLetters: Awaited<ReturnType<typeof collect>>;
  exitedEarly: () => boolean;
  totals: { decisionsOut: number; deadLetters: number };
}

/** One scorer on fresh topics: labels first (applied before any transaction), then the transactions. */
async function run(
  t: TestContext,
  labels: Case[],
  transactions: Case[],
  expectDecisions: number,
  expectDeadLetters: number,
): Promise<RunResult> {
  const brokers = testBrokers();
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const topics = scorerTopicEnv('fuzz');
  await createScorerTopics(topics, 3);
  await send(kafka, topics.TOPIC_LABELS, labels);

  const instanceId = uniqueTopic('fuzz-instance');
  const config = loadConfig(
    {
      ...topics,
      SCORER_INSTANCE_ID: instanceId,
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_REPLICATION_FACTOR: '1',
      HTTP_PORT: '0',
      DEADLINE_MS: '60000',
      METRICS_INTERVAL_MS: '200',
    },
    [],
  );
  const scorer = await ScorerService.start(config, createLogger('warn', 'fuzz-test'));
  let stopping = false;
  let exitedEarly = false;
  void scorer.finished.then(() => (exitedEarly = !stopping));
  t.after(() => {
    stopping = true;
    return scorer.stop('test over');
  });

  // The scorer starts scoring only once the labels published before its start are applied.
  await send(kafka, topics.TOPIC_TRANSACTIONS, transactions);
  const raw = await collect(kafka, topics.TOPIC_DECISIONS, expectDecisions);
  const deadLetters = await collect(kafka, topics.TOPIC_DLQ, expectDeadLetters);
  const decisions = new Map<string, Decision>();
  for (const r of raw) {
    const d = codecs.decision.decode(r.value!);
    decisions.set(d.transactionId, d);
  }
  const latency = (await (await fetch(`${scorer.url}/api/latency?encoded=false&distribution=false`)).json()) as {
    totals: { decisionsOut: number; deadLetters: number };
  };
  assert.equal(scorer.state, 'running', 'the scorer is still running');
  t.diagnostic(`decisions ${raw.length}, dead letters ${deadLetters.length}`);
  return { decisions, decisionCount: raw.length, deadLetters, exitedEarly: () => exitedEarly, totals: latency.totals };
}

test('no record stops the scorer: every bad record is dead-lettered, every good one decided as without them', async (t) => {
  const txs = goodTransactions();
  const odd = oddButValid();
  const labels = goodLabels();
  const asCase = (tx: Transaction): Case => ({
    name: tx.transactionId,
    key: tx.cardId,
    value: codecs.transaction.encode(tx),
  });
  const labelCase = (l: Label): Case => ({ name: l.transactionId, key: l.cardId, value: codecs.label.encode(l) });
  const badTx = badTransactions();
  const badLab = badLabels();
  assert.ok(badTx.length + badLab.length + odd.length >= 20, 'at least 20 kinds of malformed records');

  const goodCases = txs.map(asCase);
  const oddCases: Case[] = odd.map((o) => ({
    name: o.name,
    key: o.key,
    value: codecs.transaction.encode(o.tx),
    ...(o.headers && { headers: o.headers }),
  }));
  const mixedTx = interleave([...goodCases.slice(0, 120), ...oddCases, ...goodCases.slice(120)], badTx);
  const mixedLabels = interleave(labels.map(labelCase), badLab);
  const goodCount = txs.length + odd.length;

  const mixed = await run(t, mixedLabels, mixedTx, goodCount, badTx.length + badLab.length);
  const clean = await run(t, labels.map(labelCase), [...txs, ...odd.map((o) => o.tx)].map(asCase), goodCount, 0);

  assert.equal(mixed.exitedEarly(), false, 'the scorer never exits');
  assert.equal(mixed.decisionCount, goodCount, 'one decision per good record, none for a bad one');
  assert.deepEqual(
    [...mixed.decisions.keys()].sort(),
    [...txs, ...odd.map((o) => o.tx)].map((tx) => tx.transactionId).sort(),
  );

  // Every bad record is in the dead-letter topic, with its stage and code, bounded in size.
  const byCase = new Map(mixed.deadLetters.map((d) => [one(d.headers, 'case'), d]));
  assert.equal(mixed.deadLetters.length, badTx.length + badLab.length, 'one dead letter per bad record');
  for (const c of [...badTx, ...badLab]) {
    const d = byCase.get(c.name);
    assert.ok(d, `dead letter for ${c.name}`);
    assert.equal(one(d.headers, 'dlq.stage'), c.expect!.stage, c.name);
    assert.equal(one(d.headers, 'dlq.error.code'), c.expect!.code, c.name);
    let bytes = (d.key?.length ?? 0) + (d.value?.length ?? 0);
    for (const [name, value] of Object.entries(d.headers)) {
      for (const x of [value ?? []].flat()) bytes += name.length + Buffer.byteLength(x);
    }
    assert.ok(bytes <= DEFAULT_OUTPUT_LIMITS.maxMessageBytes, `${c.name}: ${bytes} bytes`);
    const truncated = one(d.headers, 'dlq.value.truncated');
    if (c.expect!.code === 'ID_LOOKS_LIKE_PAN') {
      assert.equal(d.key, null, `${c.name}: no card number in the key`);
      assert.equal(d.value, null, `${c.name}: no card number in the value`);
    } else if (truncated !== undefined) {
      assert.equal(truncated, String(c.value!.length));
      assert.deepEqual(d.value, c.value!.subarray(0, d.value!.length), `${c.name}: a prefix of the original`);
    } else {
      assert.deepEqual(d.value, c.value, `${c.name}: the original bytes`);
    }
    for (const [, value] of Object.entries(d.headers)) {
      for (const x of [value ?? []].flat()) assert.ok(!Buffer.from(x).includes(PAN), `${c.name}: no PAN in a header`);
    }
  }
  assert.equal(one(byCase.get('a value near max.message.bytes')!.headers, 'dlq.value.truncated'), '1040000');
  assert.equal(one(byCase.get('a 1 MB key')!.headers, 'dlq.key.truncated'), String(MB));
  assert.equal(one(byCase.get('a bad record with 200 binary headers')!.headers, 'dlq.headers.dropped'), '136');

  assert.equal(mixed.totals.decisionsOut, goodCount);
  assert.equal(mixed.totals.deadLetters, badTx.length + badLab.length, 'label dead letters counted too');

  // The good records are decided exactly as in a run that never saw a bad record.
  assert.equal(clean.decisionCount, goodCount);
  assert.equal(clean.deadLetters.length, 0);
  let reviewedOrDeclined = 0;
  for (const [id, expected] of clean.decisions) {
    const got = mixed.decisions.get(id)!;
    assert.deepEqual(
      { action: got.action, score: got.score, reasons: got.reasons, degraded: got.degraded },
      { action: expected.action, score: expected.score, reasons: expected.reasons, degraded: expected.degraded },
      id,
    );
    if (got.action !== 'APPROVE') reviewedOrDeclined++;
  }
  t.diagnostic(`decisions other than APPROVE: ${reviewedOrDeclined} of ${goodCount}`);
});
