import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import type { OutRecord } from '../core/scoring/records.ts';
import { ScorerError, errorMessage } from '../errors.ts';
import { toKafkaHeaders } from './kafkajs-headers.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends decisions and dead letters with acks = all. One produce request is in flight at a time (the idempotent
 * producer's rule, which also keeps each partition's records in order); what arrives meanwhile is coalesced
 * into the next request, so under load requests grow instead of queueing: group commit, as Kafka's own
 * producer batches with linger. Each `send` resolves once the request holding its records is acknowledged.
 * kafkajs retries transient errors itself; what still fails rejects every send in that request.
 */
export class KafkaSink {
  readonly #producer: Producer;
  #pending = new Map<string, Message[]>();
  #pendingWaiters: Waiter[] = [];
  #busy = false;

  constructor(producer: Producer) {
    this.#producer = producer;
  }

  send(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    for (const r of records) {
      let list = this.#pending.get(r.topic);
      if (list === undefined) this.#pending.set(r.topic, (list = []));
      list.push({ key: r.key, value: r.value, headers: toKafkaHeaders(r.headers) });
    }
    const acked = new Promise<void>((resolve, reject) => this.#pendingWaiters.push({ resolve, reject }));
    if (!this.#busy) void this.#flush();
    return acked;
  }

  async #flush(): Promise<void> {
    this.#busy = true;
    while (this.#pendingWaiters.length > 0) {
      const batch = this.#pending;
      const waiters = this.#pendingWaiters;
      this.#pending = new Map();
      this.#pendingWaiters = [];
      try {
        await this.#producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...batch].map(([topic, messages]) => ({ topic, messages })),
        });
        for (const w of waiters) w.resolve();
      } catch (error) {
        const failure = new ScorerError(
          'PRODUCE_FAILED',
          `produce failed after retries: ${errorMessage(error)}`,
          false,
          {
            cause: error,
          },
        );
        for (const w of waiters) w.reject(failure);
      }
    }
    this.#busy = false;
  }
}
