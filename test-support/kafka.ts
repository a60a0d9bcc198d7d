import { randomBytes } from 'node:crypto';

/**
 * Brokers of the shared test broker. `scripts/run-tests.mjs` starts it (or reuses a running one) and sets
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
