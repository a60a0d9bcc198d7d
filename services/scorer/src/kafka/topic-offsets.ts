import type { Consumer } from '@platformatic/kafka';

/** Reads a topic's first and end offsets, per partition (index = partition). */
export interface TopicOffsets {
  range(topic: string): Promise<{ first: readonly bigint[]; end: readonly bigint[] }>;
}

/** A topic's first and end offsets per partition, read through a consumer's ListOffsets (earliest, latest). */
export function consumerTopicOffsets(consumer: Pick<Consumer, 'listOffsets'>): TopicOffsets {
  return {
    async range(topic) {
      const [first, end] = await Promise.all([
        consumer.listOffsets({ topics: [topic], timestamp: -2n }),
        consumer.listOffsets({ topics: [topic], timestamp: -1n }),
      ]);
      return { first: first.get(topic) ?? [], end: end.get(topic) ?? [] };
    },
  };
}
