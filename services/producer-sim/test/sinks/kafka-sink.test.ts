import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { createSchemaCodecs } from '../../../../schemas/src/codecs.ts';
import { loadConfig } from '../../src/config.ts';
import { createSimulation } from '../../src/create-simulation.ts';
import type { SimEvent } from '../../src/core/simulation.ts';
import { KafkaSink, keyPartitioner, toMessages } from '../../src/sinks/kafka-sink.ts';

/** Where the producer puts a keyed record: the partitioner's number modulo the partition count, as the client does. */
function partitionOf(key: string, partitions: number): number {
  const buffer = Buffer.from(key, 'utf8');
  return keyPartitioner({ topic: 't', key: buffer }, buffer) % partitions;
}

/** kafkajs' DefaultPartitioner, which this sink used before: the expectation. It needs no broker. */
function kafkajsPartitionOf(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
    offlineReplicas: [],
  }));
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
}

function simulatedEvents(count: number): SimEvent[] {
  const sim = createSimulation(
    loadConfig({}, ['--customers=300', '--terminals=600', '--days=3', '--label-delay-days=0.2']),
  );
  const events: SimEvent[] = [];
  for (let e = sim.next(); e && events.length < count; e = sim.next()) events.push(e);
  return events;
}

test("keys hash as Java's murmur2 does: Kafka's own reference values, made positive", () => {
  // org.apache.kafka.common.utils.UtilsTest#testMurmur2, & 0x7fffffff (Utils.toPositive).
  const java: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of java) {
    const buffer = Buffer.from(key, 'utf8');
    assert.equal(keyPartitioner({ topic: 't', key: buffer }, buffer), hash & 0x7fffffff, key);
  }
});

test("every simulated card goes to the partition kafkajs' default partitioner chose, for any partition count", () => {
  const cards = [
    ...new Set(simulatedEvents(2000).map((e) => (e.kind === 'transaction' ? e.tx.cardId : e.label.cardId))),
  ];
  assert.ok(cards.length > 200);
  for (const partitions of [1, 3, 6, 7, 12, 64]) {
    for (const card of cards) assert.equal(partitionOf(card, partitions), kafkajsPartitionOf(card, partitions), card);
  }
});

test("the client's own default partitioner would move cards, so the sink's choice matters", () => {
  const cards = Array.from({ length: 200 }, (_, i) => `card-${i.toString(16).padStart(8, '0')}-00000000`);
  const moved = cards.filter((card) => {
    const key = Buffer.from(card);
    return defaultPartitioner({ topic: 't', key }, key) % 6 !== partitionOf(card, 6);
  });
  assert.ok(moved.length > 50, `${moved.length} of 200 cards would move`);
});

test('transactions and labels go to their own topics, keyed by card id, as values that decode to the event', () => {
  const codecs = createSchemaCodecs();
  const events = simulatedEvents(3000);
  assert.ok(events.some((e) => e.kind === 'label') && events.some((e) => e.kind === 'transaction'));
  const messages = toMessages(events, codecs, { transactions: 'tx', labels: 'lb' });
  assert.equal(messages.length, events.length);
  events.forEach((event, i) => {
    const m = messages[i]!;
    if (event.kind === 'transaction') {
      assert.equal(m.topic, 'tx');
      assert.equal((m.key as Buffer).toString('utf8'), event.tx.cardId);
      assert.deepEqual(codecs.transaction.decode(m.value as Buffer), event.tx);
    } else {
      assert.equal(m.topic, 'lb');
      assert.equal((m.key as Buffer).toString('utf8'), event.label.cardId);
      assert.deepEqual(codecs.label.decode(m.value as Buffer), event.label);
    }
  });
});

test('a sink to an address where nothing listens fails with SEND_FAILED naming the address, not a record', async () => {
  const options = {
    brokers: ['127.0.0.1:1'],
    clientId: 'sink-test',
    transactionsTopic: 'tx',
    labelsTopic: 'lb',
    logger: pino({ level: 'silent' }),
  };
  await assert.rejects(KafkaSink.connect(options, createSchemaCodecs()), (error: unknown) => {
    const e = error as { code?: unknown; message?: unknown };
    assert.equal(e.code, 'SEND_FAILED');
    assert.match(String(e.message), /^cannot connect to Kafka at 127\.0\.0\.1:1: \S/);
    return true;
  });
});
