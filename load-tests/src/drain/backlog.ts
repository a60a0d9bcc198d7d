import type { Producer } from '@platformatic/kafka';
import type { TransactionPool } from '../generator/transaction-pool.ts';
import { BenchError, errorMessage } from '../errors.ts';
import { sendRecords } from '../kafka/load-producer.ts';

export interface BacklogOptions {
  readonly records: number;
  /** Records per produce request. */
  readonly maxBatch: number;
  /** Produce requests in flight at once. */
  readonly maxInFlight: number;
  readonly signal: AbortSignal;
  readonly progress: (sent: number) => void;
}

/**
 * Writes `records` transactions to `topic` as fast as the producer takes them, generating each request's records
 * just before it is sent, so only the requests in flight are held in memory whatever the backlog's size.
 * Resolves once every request is acknowledged (acks = all); the first failure fails the whole backlog.
 */
export async function produceBacklog(
  producer: Producer,
  topic: string,
  pool: TransactionPool,
  options: BacklogOptions,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let acknowledged = 0;
  let nextProgress = 50_000;
  for (let sent = 0; sent < options.records && failure === undefined;) {
    if (options.signal.aborted) throw new BenchError('ABORTED', 'the backlog was interrupted');
    if (inFlight.size >= options.maxInFlight) {
      await Promise.race(inFlight);
      continue;
    }
    const batch = pool.take(Math.min(options.maxBatch, options.records - sent));
    sent += batch.length;
    const request: Promise<void> = sendRecords(producer, topic, batch).then(
      () => {
        inFlight.delete(request);
        acknowledged += batch.length;
        if (acknowledged >= nextProgress) {
          options.progress(acknowledged);
          nextProgress += 50_000;
        }
      },
      (error: unknown) => {
        inFlight.delete(request);
        failure ??= error;
      },
    );
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) {
    throw new BenchError('SEND_FAILED', `producing the backlog failed: ${errorMessage(failure)}`, { cause: failure });
  }
}
