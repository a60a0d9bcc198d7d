import { Admin, Consumer } from '@platformatic/kafka';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';

/**
 * How far a consumer group has got through a topic, from the broker's offsets alone (nothing is fetched): a
 * group that has committed every partition's end has decided, and committed, every record. Never joins a group.
 */
export class GroupProgress {
  readonly #consumer: Consumer;
  readonly #admin: Admin;

  constructor(brokers: readonly string[], groupId: string) {
    this.#consumer = new Consumer({ ...baseClientOptions(brokers, 'lt-group-progress'), groupId });
    this.#admin = new Admin(baseClientOptions(brokers, 'lt-group-progress'));
  }

  /** Records in the topic: the sum of its partitions' end − start (a topic no transaction writes to). */
  async records(topic: string): Promise<number> {
    const [start, end] = await Promise.all([
      this.#consumer.listOffsets({ topics: [topic], timestamp: -2n }),
      this.#consumer.listOffsets({ topics: [topic], timestamp: -1n }),
    ]);
    const starts = start.get(topic) ?? [];
    return (end.get(topic) ?? []).reduce((sum, e, p) => sum + Number(e - (starts[p] ?? 0n)), 0);
  }

  /** Records of `topic` past `group`'s committed offsets (a partition it never committed counts whole). */
  async behind(group: string, topic: string): Promise<number> {
    const [start, end, listed] = await Promise.all([
      this.#consumer.listOffsets({ topics: [topic], timestamp: -2n }),
      this.#consumer.listOffsets({ topics: [topic], timestamp: -1n }),
      this.#admin.listConsumerGroupOffsets({ groups: [group] }),
    ]);
    const committed = new Map<number, bigint>();
    for (const g of listed) {
      for (const t of g.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) committed.set(p.partitionIndex, p.committedOffset);
      }
    }
    const starts = start.get(topic) ?? [];
    return (end.get(topic) ?? []).reduce((sum, e, p) => {
      const from = committed.get(p) ?? -1n;
      const at = from >= 0n ? from : (starts[p] ?? 0n);
      return sum + Number(e > at ? e - at : 0n);
    }, 0);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#consumer.close(true), this.#admin.close()]);
  }
}
