// The demo: the embedded broker and the pipeline's topics. (Scorer, simulator and dashboard join as they land.)
import { startBroker } from '../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../infra/kafka/config.ts';
import { BrokerError } from '../infra/kafka/errors.ts';
import { ensureTopics } from '../infra/kafka/topics.ts';

try {
  const config = loadBrokerConfig(process.env);
  const broker = await startBroker(config, (line) => console.log(`kafka: ${line}`));
  await ensureTopics(
    [broker.address],
    [
      { name: 'transactions', partitions: 6 },
      { name: 'transaction-labels', partitions: 6 },
      { name: 'decisions', partitions: 6 },
      { name: 'transactions.dlq', partitions: 6 },
    ],
  );
  console.log(`demo: Kafka ${broker.started ? 'started' : 'already running'} at ${broker.address} (pid ${broker.pid})`);
  console.log(`demo: topics transactions, transaction-labels, decisions, transactions.dlq are ready`);
  console.log(`demo: KAFKA_BROKERS=${broker.address}; stop the broker with: npm run kafka -- stop`);
} catch (error) {
  console.error(`demo: error${error instanceof BrokerError ? ` [${error.code}]` : ''}: ${(error as Error).message}`);
  if (error instanceof BrokerError && error.detail) console.error(error.detail);
  process.exit(1);
}
