import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Label, Transaction } from '../../../schemas/src/types.ts';
import { readRecords, testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
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

  // Read back through a consumer group of the test's own; where each record sits is checked against the
  // partitioner this sink used before the move (kafkajs' DefaultPartitioner, run here without a broker).
  const codecs = createSchemaCodecs();
  const records = await readRecords(t, [transactionsTopic, labelsTopic], summary.acked);
  const received = { transactions: [] as Transaction[], labels: [] as Label[], keysMatch: true, partitionsMatch: true };
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = [0, 1, 2].map((partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
    offlineReplicas: [],
  }));
  for (const r of records) {
    const record = r.topic === transactionsTopic ? codecs.transaction.decode(r.value) : codecs.label.decode(r.value);
    const key = r.key.toString();
    if (key !== record.cardId) received.keysMatch = false;
    const before = partitioner({ topic: r.topic, partitionMetadata, message: { key, value: null } });
    if (r.partition !== before) received.partitionsMatch = false;
    if (r.topic === transactionsTopic) received.transactions.push(record as Transaction);
    else received.labels.push(record as Label);
  }

  assert.ok(received.keysMatch, 'every record is keyed by its card id');
  assert.ok(received.partitionsMatch, 'every record is on the partition kafkajs would have chosen for its key');
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
