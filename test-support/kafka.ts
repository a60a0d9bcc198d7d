import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Consumer, type Message } from '@platformatic/kafka';

/**
 * Brokers of the shared test broker. `scripts/run-tests.ts` starts it (or reuses a running one) and sets
 * KAFKA_BROKERS for integration tests; running one integration file by hand needs `npm run kafka -- start` first.
 */
export function testBrokers(): string[] {
  const value = process.env['KAFKA_BROKERS'];
  if (!value) throw new Error('KAFKA_BROKERS is not set: run integration tests through `npm run test:integration`');
  return value.split(',');
}

/** A topic name no other test (or earlier run) uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A record as `readRecords` hands it back. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer;
  readonly value: Buffer;
}

/**
 * Reads `count` records of `topics` from their start through a consumer group of its own (never committing), in
 * the order each partition holds them; fails naming how many came when fewer than `count` arrive in time.
 */
export async function readRecords(
  t: TestContext,
  topics: string[],
  count: number,
  timeoutMs = 60_000,
): Promise<ReadRecord[]> {
  const consumer = new Consumer({
    clientId: 'test-reader',
    bootstrapBrokers: testBrokers(),
    groupId: uniqueTopic('test-reader'),
  });
  t.after(() => consumer.close(true));
  const stream = await consumer.consume({ topics, mode: 'earliest', autocommit: false, maxWaitTime: 200 });
  const received: ReadRecord[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`only ${received.length} of ${count} records within ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    stream.on('data', (m: Message) => {
      received.push({ topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, value: m.value });
      if (received.length === count) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await stream.close();
  return received;
}
