import { Consumer } from '@platformatic/kafka';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';

/** ListOffsets' MAX_TIMESTAMP (KIP-734, Kafka 3.0+): the offset and timestamp of a partition's latest record. */
const MAX_TIMESTAMP = -3n;

/**
 * How far a target's output topic has got, from the broker's offsets alone: no record is fetched, so watching
 * costs the machine next to nothing while a target drains. The client never joins a group.
 */
export class OutputOffsets {
  readonly #consumer: Consumer;

  constructor(brokers: readonly string[], groupId: string) {
    this.#consumer = new Consumer({ ...baseClientOptions(brokers, 'lt-drain-offsets'), groupId });
  }

  /** Records in the topic: the sum of its partitions' high watermarks (no transactions here, so no markers). */
  async count(topic: string): Promise<number> {
    const [first, end] = await Promise.all([
      this.#consumer.listOffsets({ topics: [topic], timestamp: -2n }),
      this.#consumer.listOffsets({ topics: [topic], timestamp: -1n }),
    ]);
    const starts = first.get(topic) ?? [];
    return (end.get(topic) ?? []).reduce((sum, e, p) => sum + Number(e - (starts[p] ?? 0n)), 0);
  }

  /**
   * The Kafka timestamps of the topic's first and last records (epoch ms): the earliest record at or after
   * time 0 of each partition, and each partition's latest, as the broker's time index has them.
   */
  async timeRange(topic: string): Promise<{ firstMs: number; lastMs: number } | undefined> {
    const [first, last] = await Promise.all([
      this.#consumer.listOffsetsWithTimestamps({ topics: [topic], timestamp: 0n }),
      this.#consumer.listOffsetsWithTimestamps({ topics: [topic], timestamp: MAX_TIMESTAMP }),
    ]);
    // A partition without records answers offset -1 and timestamp -1.
    const stamps = (m: typeof first) =>
      [...(m.get(topic)?.values() ?? [])]
        .filter((p) => p.offset >= 0n && p.timestamp >= 0n)
        .map((p) => Number(p.timestamp));
    const firsts = stamps(first);
    const lasts = stamps(last);
    if (firsts.length === 0 || lasts.length === 0) return undefined;
    return { firstMs: Math.min(...firsts), lastMs: Math.max(...lasts) };
  }

  close(): Promise<void> {
    return this.#consumer.close(true);
  }
}
