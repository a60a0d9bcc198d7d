import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';

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
