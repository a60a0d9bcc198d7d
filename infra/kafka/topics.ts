import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** `cleanup.policy=compact`: the latest value per key survives (state changelogs, global tables). */
  compacted?: boolean;
  retentionMs?: number;
}

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(brokers: readonly string[], topics: readonly TopicSpec[]): Promise<void> {
  const admin = new Kafka({
    clientId: 'fraud-stream-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await createMissingTopics(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/** The same through a connected admin client (one that carries the cluster's TLS and SASL settings). */
export async function createMissingTopics(admin: Admin, topics: readonly TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return;
  await admin.createTopics({
    // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a fresh KRaft broker answers
    // for a moment after creation; the loop below waits for that instead.
    waitForLeaders: false,
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: 1,
      configEntries: [
        ...(t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
        ...(t.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(t.retentionMs) }] : []),
      ],
    })),
  });
  // Ready when every partition answers for its offsets: a client used before that fails.
  const deadline = Date.now() + 15_000;
  for (const { name } of missing) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(name);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
