import { Consumer, type BaseOptions } from '@platformatic/kafka';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';

const codecs = createSchemaCodecs();

/** Fresh topic names and group id for one scorer test, as the scorer's environment variables. */
export function scorerTopicEnv(prefix: string) {
  const base = uniqueTopic(prefix);
  return {
    TOPIC_TRANSACTIONS: `${base}.tx`,
    TOPIC_LABELS: `${base}.labels`,
    TOPIC_DECISIONS: `${base}.decisions`,
    TOPIC_DLQ: `${base}.dlq`,
    TOPIC_TERMINAL_COUNTS: `${base}.terminal-counts`,
    TOPIC_CARD_STATE: `${base}.card-state`,
    SCORER_GROUP_ID: `${base}.group`,
  };
}

/** Creates the input, labels and output topics with `partitions` partitions (the scorer makes its counts topic). */
export async function createScorerTopics(env: ReturnType<typeof scorerTopicEnv>, partitions: number): Promise<void> {
  await ensureTopics(testBrokers(), [
    { name: env.TOPIC_TRANSACTIONS, partitions },
    { name: env.TOPIC_LABELS, partitions },
    { name: env.TOPIC_DECISIONS, partitions },
    { name: env.TOPIC_DLQ, partitions: 1 },
  ]);
}

/**
 * Decisions per transaction id on `topic`, read committed from its start until `total` transactions have one or
 * `timeoutMs` passes (a count above 1 is a transaction decided twice). Its reader is closed before it returns.
 */
export async function decisionsPerTransaction(
  clients: BaseOptions,
  topic: string,
  total: number,
  timeoutMs = 90_000,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const reader = new Consumer({
    ...clients,
    groupId: uniqueTopic('decisions-reader'),
    autocommit: false,
    maxWaitTime: 200,
  });
  try {
    const stream = await reader.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    for await (const message of stream) {
      const id = codecs.decision.decode(message.value).transactionId;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (seen.size === total) break;
    }
    clearTimeout(timer);
    await stream.close();
  } finally {
    await reader.close(true);
  }
  return seen;
}
