// The pass-through baseline as its own process, as the scorer is: `ready` on stdout once it has joined its group.
import { Kafka } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import { quietLogCreator } from '../kafka/quiet-log.ts';
import { loadPassThroughConfig } from './pass-through-config.ts';
import { runPassThrough } from './pass-through.ts';

let config;
try {
  config = loadPassThroughConfig(process.argv.slice(2));
} catch (error) {
  console.error(`pass-through: ${errorMessage(error)}`);
  process.exit(2);
}
const kafka = new Kafka({
  clientId: 'lt-pass-through',
  brokers: [...config.brokers],
  logCreator: quietLogCreator((line) => console.error(line)),
});
const producer = kafka.producer({ allowAutoTopicCreation: false });
const consumer = kafka.consumer({ groupId: config.groupId, allowAutoTopicCreation: false });
let stopping: Promise<void> | undefined;
const stop = (code: number): Promise<void> =>
  (stopping ??= (async () => {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    process.exit(code);
  })());

consumer.on(consumer.events.GROUP_JOIN, () => console.log('ready'));
consumer.on(consumer.events.CRASH, (event) => {
  if (!event.payload.restart) void stop(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));
try {
  await producer.connect();
  await consumer.connect();
  await runPassThrough(consumer, producer, {
    input: config.input,
    output: config.output,
    partitionsConcurrently: config.partitionsConcurrently,
    chunkSize: 256,
    onFatal: (error) => {
      console.error(`pass-through: ${errorMessage(error)}`);
      void stop(1);
    },
  });
} catch (error) {
  console.error(`pass-through: start-up failed: ${errorMessage(error)}`);
  await stop(1);
}
