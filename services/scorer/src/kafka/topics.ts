import type { Admin, Consumer } from '@platformatic/kafka';
import { ScorerError } from '../errors.ts';
import { errorIds } from './kafka-errors.ts';
import type { TopicOffsets } from './topic-offsets.ts';

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
      const ids = errorIds(error);
      // Another instance created it meanwhile.
      if (ids.includes('TOPIC_ALREADY_EXISTS')) continue;
      if (ids.includes('INVALID_REPLICATION_FACTOR')) {
        throw new ScorerError(
          'BAD_CONFIG',
          `cannot create ${t.name} with ${replicationFactor} replicas: the cluster has fewer brokers; ` +
            'set TOPIC_REPLICATION_FACTOR (1 on a one-broker cluster such as the embedded one)',
          false,
          { cause: error },
        );
      }
      throw error;
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

/**
 * Fails with BAD_CONFIG naming every topic of `names` that does not exist; returns the partition count of the
 * first one.
 */
export async function requireTopics(
  admin: Pick<Admin, 'listTopics'>,
  offsets: TopicOffsets,
  names: readonly [string, ...string[]],
): Promise<number> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((name) => !existing.has(name));
  if (missing.length > 0) {
    throw new ScorerError(
      'BAD_CONFIG',
      `input topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found on the brokers: create ` +
        'them first (the simulator and the demo do) or point TOPIC_TRANSACTIONS / TOPIC_LABELS at existing ones',
    );
  }
  return (await offsets.range(names[0])).end.length;
}
