import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Label, Transaction } from '../../../schemas/src/types.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { loadConfig } from '../src/config.ts';
import { createSimulation } from '../src/create-simulation.ts';
import { systemClock } from '../src/pacing/system-clock.ts';
import { runKafka } from '../src/run-kafka.ts';

test('a simulated day and a half streams to Kafka and reads back as the same decoded transactions and labels', async (t) => {
  const transactionsTopic = uniqueTopic('sim-transactions');
  const labelsTopic = uniqueTopic('sim-labels');
  const config = loadConfig({}, [
    '--out=kafka',
    `--brokers=${testBrokers().join(',')}`,
    `--topic=${transactionsTopic}`,
    `--labels-topic=${labelsTopic}`,
    '--partitions=3',
    '--customers=150',
    '--terminals=300',
    '--days=2',
    '--label-delay-days=0.5',
    '--rate=5000',
    '--max-batch=100',
  ]);
  // The expected stream: the simulation is deterministic, so a replay gives what was sent.
  const expected = { transactions: [] as Transaction[], labels: [] as Label[] };
  const replay = createSimulation(config);
  for (let e = replay.next(); e; e = replay.next()) {
    if (e.kind === 'transaction') expected.transactions.push(e.tx);
    else expected.labels.push(e.label);
  }
  assert.ok(expected.transactions.length > 200 && expected.labels.length > 0);

  const summary = await runKafka(createSimulation(config), config, {
    logger: pino({ level: 'silent' }),
    clock: systemClock,
  });
  assert.equal(summary.acked, expected.transactions.length + expected.labels.length);

  const codecs = createSchemaCodecs();
  const kafka = new Kafka({ clientId: 'producer-sim-test', brokers: testBrokers(), logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: uniqueTopic('producer-sim-test') });
  await consumer.connect();
  t.after(() => consumer.disconnect());
  await consumer.subscribe({ topics: [transactionsTopic, labelsTopic], fromBeginning: true });
  const received = { transactions: [] as Transaction[], labels: [] as Label[], keysMatch: true };
  const total = summary.acked;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only part of ${total} records within 60 s`)), 60_000);
    void consumer.run({
      eachMessage: ({ topic, message }) => {
        const value = message.value ?? Buffer.alloc(0);
        const record = topic === transactionsTopic ? codecs.transaction.decode(value) : codecs.label.decode(value);
        if (message.key?.toString() !== record.cardId) received.keysMatch = false;
        if (topic === transactionsTopic) received.transactions.push(record as Transaction);
        else received.labels.push(record as Label);
        if (received.transactions.length + received.labels.length === total) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });

  assert.ok(received.keysMatch, 'every record is keyed by its card id');
  const byId = <T extends { transactionId: string }>(xs: T[]): T[] =>
    [...xs].sort((a, b) => a.transactionId.localeCompare(b.transactionId));
  assert.deepEqual(byId(received.transactions), byId(expected.transactions));
  assert.deepEqual(byId(received.labels), byId(expected.labels));
  // One card's transactions share a partition and so come back in event-time order.
  const lastTime = new Map<string, number>();
  for (const tx of received.transactions) {
    assert.ok(tx.eventTime >= (lastTime.get(tx.cardId) ?? -Infinity), `${tx.cardId} out of order`);
    lastTime.set(tx.cardId, tx.eventTime);
  }
});
