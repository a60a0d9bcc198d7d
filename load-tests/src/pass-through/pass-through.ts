import { CompressionTypes } from 'kafkajs';
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';

export interface PassThroughOptions {
  readonly input: string;
  readonly output: string;
  readonly partitionsConcurrently: number;
  readonly chunkSize: number;
  /** A failure that must stop the process (the chunk is not committed). */
  readonly onFatal: (error: unknown) => void;
}

/**
 * The scorer's consumer → producer path with the scoring taken out: the same consumer group settings, eachBatch
 * per partition in chunks, one acks=all produce per chunk, then a commit of the chunk's offsets. Records are
 * forwarded as they came (key, value, headers): no decode, no features, no model. What the scorer costs on top of
 * this is what scoring costs.
 */
export async function runPassThrough(
  consumer: Consumer,
  producer: Producer,
  options: PassThroughOptions,
): Promise<void> {
  await consumer.subscribe({ topic: options.input, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConcurrently,
    eachBatch: async (payload) => {
      try {
        await forwardBatch(consumer, producer, payload, options);
      } catch (error) {
        options.onFatal(error);
        throw error;
      }
    },
  });
}

async function forwardBatch(
  consumer: Consumer,
  producer: Producer,
  payload: EachBatchPayload,
  options: PassThroughOptions,
): Promise<void> {
  const { topic, partition, messages } = payload.batch;
  for (let start = 0; start < messages.length; start += options.chunkSize) {
    if (!payload.isRunning() || payload.isStale()) return;
    const chunk = messages.slice(start, start + options.chunkSize);
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [
        {
          topic: options.output,
          messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} })),
        },
      ],
    });
    const last = chunk[chunk.length - 1]!;
    payload.resolveOffset(last.offset);
    // As in the scorer: with autoCommit off, kafkajs' commitOffsetsIfNecessary commits nothing (tulios/kafkajs#1729).
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    await payload.heartbeat();
  }
}
