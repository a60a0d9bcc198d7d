import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import type { Consumer, EachBatchPayload, logCreator, Producer } from 'kafkajs';
import type { PassThroughHooks, RunningPassThrough } from './platformatic-pass-through.ts';
import type { PassThroughConfig } from './pass-through-config.ts';

const CHUNK_SIZE = 256;

/**
 * The pass-through on kafkajs, kept on purpose although nothing else here uses kafkajs any more: it is the
 * like-for-like baseline of the client move. Run beside the platformatic pass-through in one drain benchmark,
 * on the same backlog, the same broker and the same machine state, it shows what the client itself costs in
 * records per second and CPU per record, which two runs on different days could not separate from the noise of
 * a shared machine. It is the pre-move code: eachBatch per partition in chunks, one acks = all produce per chunk,
 * then a commit of the chunk's offsets. Remove it once that comparison is no longer wanted.
 */
export async function startKafkajsPassThrough(
  config: PassThroughConfig,
  hooks: Pick<PassThroughHooks, 'ready' | 'fatal'> & { readonly logLine: (line: string) => void },
): Promise<RunningPassThrough> {
  const kafka = new Kafka({
    clientId: 'lt-pass-through-kafkajs',
    brokers: [...config.brokers],
    logCreator: quietLogCreator(hooks.logLine),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: config.groupId, allowAutoTopicCreation: false });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
    })());
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (!joined) hooks.ready();
    joined = true;
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) hooks.fatal(event.payload.error);
  });
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: config.input, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      eachBatch: async (payload) => {
        try {
          await forwardBatch(consumer, producer, payload, config.output);
        } catch (error) {
          hooks.fatal(error);
          throw error;
        }
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function forwardBatch(
  consumer: Consumer,
  producer: Producer,
  payload: EachBatchPayload,
  output: string,
): Promise<void> {
  const { topic, partition, messages } = payload.batch;
  for (let start = 0; start < messages.length; start += CHUNK_SIZE) {
    if (!payload.isRunning() || payload.isStale()) return;
    const chunk = messages.slice(start, start + CHUNK_SIZE);
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [
        {
          topic: output,
          messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} })),
        },
      ],
    });
    const last = chunk[chunk.length - 1]!;
    payload.resolveOffset(last.offset);
    // With autoCommit off, kafkajs' commitOffsetsIfNecessary commits nothing (tulios/kafkajs#1729).
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    await payload.heartbeat();
  }
}

/** kafkajs' warnings and errors as one line each through `log`; its info chatter (joins, commits) dropped. */
function quietLogCreator(log: (line: string) => void): logCreator {
  return () =>
    ({ level, namespace, log: entry }) => {
      if (level > logLevel.WARN) return;
      log(`kafkajs ${level === logLevel.ERROR ? 'error' : 'warn'} [${namespace}] ${entry.message}`);
    };
}
