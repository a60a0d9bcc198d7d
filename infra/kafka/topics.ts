import { Admin } from '@platformatic/kafka';
import { baseClientOptions } from '../../services/scorer/src/kafka/client-options.ts';
import { errorIds } from '../../services/scorer/src/kafka/kafka-errors.ts';
import { innermostMessage } from './client-errors.ts';
import { BrokerError } from './errors.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** `cleanup.policy=compact`: the latest value per key survives (state changelogs, global tables). */
  compacted?: boolean;
  retentionMs?: number;
}

/** The client calls of the admin that topic creation uses (@platformatic/kafka's `Admin` has them). */
export type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics' | 'listOffsets'>;

/**
 * Creates the topics that do not exist yet; existing ones are left as they are. A failure is a TOPICS_FAILED
 * naming the topics, the brokers and the client's innermost reason.
 */
export async function ensureTopics(brokers: readonly string[], topics: readonly TopicSpec[]): Promise<void> {
  // About 7 s of retries (the scorer's 50 ms doubling to 2 s): rides out a broker that has only just started.
  const admin = new Admin(baseClientOptions(brokers, 'fraud-stream-admin', 8));
  try {
    await createMissingTopics(admin, topics);
  } catch (error) {
    throw new BrokerError(
      'TOPICS_FAILED',
      `cannot create topics ${topics.map((t) => t.name).join(', ')} on ${brokers.join(',')}: ${innermostMessage(error)}`,
      undefined,
      { cause: error },
    );
  } finally {
    await admin.close();
  }
}

/** Deletes the topics whose names `which` picks; returns their names (none: nothing to delete). */
export async function deleteTopics(brokers: readonly string[], which: (topic: string) => boolean): Promise<string[]> {
  const admin = new Admin(baseClientOptions(brokers, 'fraud-stream-admin', 8));
  try {
    const doomed = (await admin.listTopics()).filter(which);
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    return doomed;
  } catch (error) {
    throw new BrokerError(
      'TOPICS_FAILED',
      `cannot delete topics on ${brokers.join(',')}: ${innermostMessage(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  } finally {
    await admin.close();
  }
}

/**
 * The same through an admin client the caller made (one that carries the cluster's TLS and SASL settings).
 * Replication factor 1: the embedded broker is one node. Waits until every partition of a new topic answers
 * for its offsets, since a fresh KRaft broker says UNKNOWN_TOPIC_OR_PARTITION for a moment after creation and
 * a client used before then fails.
 */
export async function createMissingTopics(
  admin: TopicAdmin,
  topics: readonly TopicSpec[],
  timeoutMs = 15_000,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  for (const t of missing) {
    try {
      // One request a topic: the client takes one set of configs a request.
      await admin.createTopics({ topics: [t.name], partitions: t.partitions, replicas: 1, configs: topicConfigs(t) });
    } catch (error) {
      // Someone else (another test, the scorer, the simulator) created it meanwhile.
      if (!errorIds(error).includes('TOPIC_ALREADY_EXISTS')) throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const t of missing) {
    const partitions = Array.from({ length: t.partitions }, (_, partitionIndex) => ({
      partitionIndex,
      timestamp: -1n, // the end offset
    }));
    for (;;) {
      try {
        const [listed] = await admin.listOffsets({ topics: [{ name: t.name, partitions }] });
        if ((listed?.partitions.length ?? 0) >= t.partitions) break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topic ${t.name} has not all its partitions after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The topic configs a spec asks for, as the CreateTopics request carries them. */
export function topicConfigs(t: TopicSpec): { name: string; value: string }[] {
  const configs: { name: string; value: string }[] = [];
  if (t.compacted) configs.push({ name: 'cleanup.policy', value: 'compact' });
  if (t.retentionMs !== undefined) configs.push({ name: 'retention.ms', value: String(t.retentionMs) });
  return configs;
}
