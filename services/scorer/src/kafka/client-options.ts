import { readFile } from 'node:fs/promises';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { ScorerConfig } from '../config.ts';
import { ScorerError, errorMessage } from '../errors.ts';
import { errorIds } from './kafka-errors.ts';

/** Attempts per request after the first (connection lost, leader moved, coordinator loading...). */
const RETRIES = 10;

/**
 * The wait before retry `attempt` (1-based): 50 ms doubling to 2 s, about 11 s over all the attempts, which
 * rides out a broker restart or a leader election. The client's default (a flat 1 s, 3 attempts) gives up in 3 s
 * and makes every CONCURRENT_TRANSACTIONS answer cost a full second.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(2000, 50 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The wait before retry `attempt` of a request the transaction coordinator refused with CONCURRENT_TRANSACTIONS:
 * the previous transaction's markers are still being written, which takes a millisecond or two here. 2 ms
 * doubling to 100 ms (Kafka's Java producer likewise retries that case sooner than others); the schedule above
 * made every transaction after the first wait 50 ms for its partitions.
 */
export function concurrentTransactionsDelayMs(attempt: number): number {
  return Math.min(100, 2 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Attempts after the first whose waits add up to at least `windowMs`: how a producer keeps retrying through a
 * broker restart for as long as its delivery timeout allows (as Kafka's own `delivery.timeout.ms` does).
 */
export function retriesWithin(windowMs: number): number {
  let waited = 0;
  let attempt = 0;
  while (waited < windowMs) waited += retryDelayMs(++attempt);
  return Math.max(attempt, RETRIES);
}

/**
 * Brokers, the retry schedule above and the timeouts: what every @platformatic/kafka client of the project
 * shares (the scorer's, the simulator's, the load tests' and infra's), so all of them ride out the same outages.
 */
export function baseClientOptions(brokers: readonly string[], clientId: string, retries = RETRIES): BaseOptions {
  return {
    clientId,
    bootstrapBrokers: [...brokers],
    retries,
    retryDelay: (_client, _operation, attempt, _retries, error) =>
      errorIds(error).includes('CONCURRENT_TRANSACTIONS')
        ? concurrentTransactionsDelayMs(attempt)
        : retryDelayMs(attempt),
    timeout: 10_000,
    connectTimeout: 5_000,
  };
}

/** The options every client of the scorer shares: the base ones, TLS and SASL. */
export async function clientOptions(config: ScorerConfig, clientId: string): Promise<BaseOptions> {
  const options = baseClientOptions(config.brokers, clientId);
  if (config.tls) {
    if (config.tls.caFile === null) options.tls = {};
    else {
      try {
        options.tls = { ca: [await readFile(config.tls.caFile, 'utf8')] };
      } catch (error) {
        throw new ScorerError(
          'BAD_CONFIG',
          `cannot read KAFKA_TLS_CA_FILE ${config.tls.caFile}: ${errorMessage(error)}`,
        );
      }
    }
  }
  if (config.sasl) {
    const { mechanism, username, password } = config.sasl;
    const sasl: SASLOptions = {
      mechanism: mechanism === 'plain' ? 'PLAIN' : mechanism === 'scram-sha-256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512',
      username,
      password,
    };
    options.sasl = sasl;
  }
  return options;
}
