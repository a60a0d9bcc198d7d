import type { BaseOptions } from '@platformatic/kafka';
import { retryDelayMs } from '../../../services/scorer/src/kafka/client-options.ts';

/** Attempts per request after the first, as the scorer makes them. */
const RETRIES = 10;

/**
 * What every @platformatic/kafka client of the load tests shares: the scorer's retry schedule (so a generator or
 * a reader rides out what the scorer rides out, instead of the client's flat 1 s × 3) and its timeouts.
 */
export function loadTestClientOptions(brokers: readonly string[], clientId: string): BaseOptions {
  return {
    clientId,
    bootstrapBrokers: [...brokers],
    retries: RETRIES,
    retryDelay: (_client, _operation, attempt) => retryDelayMs(attempt),
    timeout: 10_000,
    connectTimeout: 5_000,
  };
}
