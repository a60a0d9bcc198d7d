import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer, compatibilityPartitioner } from '@platformatic/kafka';
import { startBroker, stopBroker } from '../../../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { sampleTransaction } from '../../../schemas/test/fixtures.ts';
import { testBrokers } from '../../../test-support/kafka.ts';
import { loadConfig } from '../src/config.ts';
import { baseClientOptions } from '../src/kafka/client-options.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ScorerService } from '../src/service.ts';
import { decisionsPerTransaction, scorerTopicEnv } from './scorer-topics.ts';

const codecs = createSchemaCodecs();

/**
 * A broker of this test's own (the shared test broker must stay up for the other tests), 50 ports above it, with
 * its storage in a temporary folder that outlives the restart.
 */
function ownBroker() {
  const sharedPort = Number(testBrokers()[0]!.split(':')[1]);
  const stateDir = mkdtempSync(join(tmpdir(), 'broker-restart-'));
  const config = loadBrokerConfig({
    KAFKA_PORT: String(sharedPort + 50),
    KAFKA_STATE_DIR: stateDir,
    KAFKA_LIBS_DIR: loadBrokerConfig({}).libsDir,
    KAFKA_HEAP_MB: '512',
  });
  return { config, address: `127.0.0.1:${config.port}`, stateDir };
}

test('a broker restart mid-stream: the scorer keeps running and every transaction is decided', async (t) => {
  const broker = ownBroker();
  // Undone last first: the clients close while their broker is still up.
  const cleanups: (() => unknown)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  cleanups.push(async () => {
    await stopBroker(broker.config, 5000);
    rmSync(broker.stateDir, { recursive: true, force: true });
  });
  await startBroker(broker.config);
  const topics = scorerTopicEnv('restart');
  await ensureTopics(
    [broker.address],
    [
      { name: topics.TOPIC_TRANSACTIONS, partitions: 3 },
      { name: topics.TOPIC_LABELS, partitions: 1 },
    ],
  );
  // The test's own clients retry for longer than the outage.
  const clients = baseClientOptions([broker.address], 'broker-restart-test', 40);
  const scorer = await ScorerService.start(
    loadConfig(
      {
        ...topics,
        KAFKA_BROKERS: broker.address,
        TOPIC_REPLICATION_FACTOR: '1',
        HTTP_PORT: '0',
        DEADLINE_MS: '60000',
        MODEL_PATH: '',
      },
      [],
    ),
    createLogger('warn', 'broker-restart-test'),
  );
  cleanups.push(() => scorer.stop('test over'));

  const producer = new Producer(clients);
  cleanups.push(() => producer.close());
  const send = async (from: number, to: number) => {
    for (let i = from; i < to; i += 100) {
      const messages = [];
      for (let j = i; j < Math.min(to, i + 100); j++) {
        const tx = sampleTransaction({
          transactionId: `restart-${j}`,
          cardId: `card-${(j % 89).toString(16).padStart(4, '0')}`,
          eventTime: Date.UTC(2018, 3, 1) + j * 30_000,
        });
        messages.push({
          topic: topics.TOPIC_TRANSACTIONS,
          key: Buffer.from(tx.cardId),
          value: codecs.transaction.encode(tx),
        });
      }
      await producer.send({ messages, acks: -1, partitioner: compatibilityPartitioner });
    }
  };

  // Traffic flows all along: 50 transactions every 25 ms, the test's producer retrying through the outage too.
  const total = 3000;
  let sent = 0;
  const traffic = (async () => {
    while (sent < total) {
      const to = Math.min(total, sent + 50);
      await send(sent, to);
      sent = to;
      await sleep(25);
    }
  })();
  // Marked handled while it runs (a failed send is reported where it is awaited, below).
  traffic.catch(() => {});
  while (sent < total / 3) await sleep(20);
  // Down for longer than one request's retries (about 11 s) while decisions are being made, then up again with
  // the same storage: the scorer's produce keeps retrying for its delivery timeout (120 s by default).
  const downFor = Date.now();
  assert.equal(await stopBroker(broker.config), 'stopped');
  await sleep(15_000);
  assert.equal(scorer.state, 'running', 'the scorer waited through the outage');
  await startBroker(broker.config);
  t.diagnostic(`broker down and up again in ${Date.now() - downFor} ms`);
  await traffic;

  const seen = await decisionsPerTransaction(clients, topics.TOPIC_DECISIONS, total);

  assert.equal(seen.size, total, 'every transaction has a decision');
  assert.equal(scorer.state, 'running');
  const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  // At-least-once: a batch acknowledged but not committed when the broker went away is decided again.
  t.diagnostic(`decisions made twice across the restart: ${duplicates} of ${total}`);
});
