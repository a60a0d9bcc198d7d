import type { TestContext } from 'node:test';
import { Consumer, Producer } from '@platformatic/kafka';
import { testBrokers, uniqueTopic } from '../../../../test-support/kafka.ts';
import { KafkaGroupMember, type KafkaGroupMemberOptions } from '../../src/kafka/kafka-group-member.ts';
import { baseClientOptions } from '../../src/kafka/client-options.ts';
import { consumerTopicOffsets } from '../../src/kafka/topic-offsets.ts';
import { createLogger } from '../../src/observability/logger.ts';

const log = createLogger('silent', 'test');
const base = () => baseClientOptions(testBrokers(), 'scorer-test');

/** The scorer's own Kafka parts on the test broker, closed when the test ends. */
export function scorerClients(t: TestContext) {
  const producer = new Producer({ ...base(), idempotent: true });
  t.after(() => producer.close());
  const offsetsConsumer = new Consumer({ ...base(), groupId: uniqueTopic('offsets') });
  t.after(() => offsetsConsumer.close(true));
  return {
    producer,
    offsets: consumerTopicOffsets(offsetsConsumer),
    /** A group member on `topic`, as the scorer makes them (short timings for tests). */
    member(topic: string, from: KafkaGroupMemberOptions['from'], groupId = uniqueTopic('member')) {
      const consumer = new Consumer({ ...base(), groupId, autocommit: false, maxWaitTime: 200 });
      const member = new KafkaGroupMember(
        consumer,
        topic,
        { from, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1000, maxWaitTimeMs: 200 },
        log,
      );
      t.after(() => member.close());
      return member;
    },
  };
}
