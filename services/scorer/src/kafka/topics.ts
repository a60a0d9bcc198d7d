import type { Admin, Consumer } from '@platformatic/kafka';
import { errorIds } from './kafka-errors.ts';

export interface ScorerTopic {
  readonly name: string;
  readonly partitions: number;
  /** `cleanup.policy=compact`: the latest value per key survives. */
  readonly compacted?: boolean;
}

/**
 * Creates the scorer's own topics that do not exist yet (existing ones are left as they are), with
 * `replicationFactor` replicas (-1: the broker's `default.replication.factor`), and waits until every partition
 * of a new topic answers for its offsets: a fresh KRaft broker says UNKNOWN_TOPIC_OR_PARTITION for a moment
 * after creation, and a client used before then fails.
 */
export async function createMissingTopics(
  admin: Pick<Admin, 'listTopics' | 'createTopics'>,
  offsets: Pick<Consumer, 'listOffsets'>,
  topics: readonly ScorerTopic[],
  replicationFactor: number,
  timeoutMs = 15_000,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  for (const t of topics) {
    if (existing.has(t.name)) continue;
    try {
      await admin.createTopics({
        topics: [t.name],
        partitions: t.partitions,
        replicas: replicationFactor,
        configs: t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      });
    } catch (error) {
      // Another instance created it meanwhile.
      if (!errorIds(error).includes('TOPIC_ALREADY_EXISTS')) throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const t of topics) {
    if (existing.has(t.name)) continue;
    for (;;) {
      try {
        const ends = (await offsets.listOffsets({ topics: [t.name] })).get(t.name) ?? [];
        if (ends.length >= t.partitions) break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topic ${t.name} has not all its partitions after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
