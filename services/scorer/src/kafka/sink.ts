import { compatibilityPartitioner, type MessageToProduce } from '@platformatic/kafka';
import type { OutRecord } from '../core/scoring/records.ts';
import { ScorerError, errorMessage } from '../errors.ts';
import { errorIds } from './kafka-errors.ts';
import { toKafkaHeaders } from './kafka-headers.ts';

/** What the sink needs of a producer (@platformatic/kafka's `Producer` has it). */
export interface ProducerPort {
  send(options: {
    messages: MessageToProduce[];
    acks: number;
    partitioner: typeof compatibilityPartitioner;
  }): Promise<unknown>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Broker errors that belong to a record, not to the request: the other records of the request are fine. */
const RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

export interface SinkOptions {
  /**
   * Bytes of records per produce request, at most (the broker applies `max.message.bytes` to a partition's whole
   * batch, so coalesced records are sent in requests under it). Default 1,000,000.
   */
  readonly maxRequestBytes?: number;
  /**
   * A record the broker refused on its own (too large, invalid): the record to send instead, or undefined when
   * it cannot be replaced (then the send fails and the scorer stops without committing).
   */
  readonly replaceRejected?: (record: OutRecord, reason: string) => OutRecord | undefined;
  /**
   * Topics with as many partitions as the input: a record that names its input partition goes to the same
   * partition number, which is where its key would go anyway when the input was partitioned by Java's rule,
   * and saves hashing every key. Other records go by key.
   */
  readonly copartitioned?: ReadonlySet<string>;
}

/**
 * Sends decisions and dead letters with acks = all. Each topic is a lane of its own, so a dead letter can never
 * fail the request that carries other records' decisions. In a lane one produce request is in flight at a time
 * (the idempotent producer's rule, which also keeps each partition's records in order); what arrives meanwhile
 * is coalesced into the next request, so under load requests grow instead of queueing: group commit, as
 * Kafka's own producer batches with linger. Each `send` resolves once the requests holding its records are
 * acknowledged. The client retries transient errors itself; a request refused for one record's sake is sent again
 * record by record, so only that record meets `replaceRejected`; what still fails rejects the sends concerned.
 */
export class KafkaSink {
  readonly #producer: ProducerPort;
  readonly #options: SinkOptions;
  readonly #lanes = new Map<string, Lane>();

  constructor(producer: ProducerPort, options: SinkOptions = {}) {
    this.#producer = producer;
    this.#options = options;
  }

  send(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let first: Lane | undefined;
    let others: Set<Lane> | undefined;
    for (const r of records) {
      let lane = this.#lanes.get(r.topic);
      if (lane === undefined) this.#lanes.set(r.topic, (lane = new Lane(r.topic, this.#producer, this.#options)));
      lane.add(r);
      if (first === undefined) first = lane;
      else if (lane !== first) (others ??= new Set()).add(lane);
    }
    if (others === undefined) return first!.waitAndFlush();
    return Promise.all([first!.waitAndFlush(), ...[...others].map((l) => l.waitAndFlush())]).then(() => {});
  }
}

class Lane {
  readonly #topic: string;
  readonly #producer: ProducerPort;
  readonly #options: SinkOptions;
  #pending: OutRecord[] = [];
  #waiters: Waiter[] = [];
  #busy = false;

  constructor(topic: string, producer: ProducerPort, options: SinkOptions) {
    this.#topic = topic;
    this.#producer = producer;
    this.#options = options;
  }

  add(record: OutRecord): void {
    this.#pending.push(record);
  }

  /** A promise for the records added since the last call, acknowledged; starts a request if none is in flight. */
  waitAndFlush(): Promise<void> {
    const acked = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#busy) void this.#flush();
    return acked;
  }

  async #flush(): Promise<void> {
    this.#busy = true;
    while (this.#waiters.length > 0) {
      const records = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      try {
        await this.#sendAll(records);
        for (const w of waiters) w.resolve();
      } catch (error) {
        const failure =
          error instanceof ScorerError
            ? error
            : new ScorerError('PRODUCE_FAILED', `produce failed after retries: ${errorMessage(error)}`, false, {
                cause: error,
              });
        for (const w of waiters) w.reject(failure);
      }
    }
    this.#busy = false;
  }

  async #sendAll(records: readonly OutRecord[]): Promise<void> {
    const limit = this.#options.maxRequestBytes ?? 1_000_000;
    let from = 0;
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const size = recordBytes(records[i]!);
      if (i > from && bytes + size > limit) {
        await this.#sendSlice(records.slice(from, i));
        from = i;
        bytes = 0;
      }
      bytes += size;
    }
    await this.#sendSlice(from === 0 ? records : records.slice(from));
  }

  async #sendSlice(records: readonly OutRecord[]): Promise<void> {
    try {
      await this.#produce(records);
    } catch (error) {
      const reason = recordErrorType(error);
      if (reason === undefined) throw error;
      // One record spoilt the request: send them one by one, in order, to find it and keep the rest.
      for (const record of records) {
        try {
          await this.#produce([record]);
        } catch (single) {
          const why = recordErrorType(single);
          const replacement = why === undefined ? undefined : this.#options.replaceRejected?.(record, why);
          if (replacement === undefined)
            throw new ScorerError('PRODUCE_FAILED', `the broker refused a record on ${this.#topic}: ${why}`, false, {
              cause: single,
            });
          await this.#produce([replacement]);
        }
      }
    }
  }

  #produce(records: readonly OutRecord[]): Promise<unknown> {
    const keepPartition = this.#options.copartitioned?.has(this.#topic) === true;
    const messages = new Array<MessageToProduce>(records.length);
    for (let i = 0; i < records.length; i++) messages[i] = toMessage(records[i]!, keepPartition);
    // Keyed records go where Java's producer would put them (the client's own default differs): murmur2 & 0x7fffffff.
    return this.#producer.send({ messages, acks: -1, partitioner: compatibilityPartitioner });
  }
}

/**
 * The client's message for a record; `keepPartition`: the record goes to the partition it names (co-partitioned
 * topics), else by its key. Assigned field by field: spreads would allocate a throw-away object per field.
 */
export function toMessage(r: OutRecord, keepPartition: boolean): MessageToProduce {
  const m: MessageToProduce = { topic: r.topic };
  if (r.key !== null) m.key = typeof r.key === 'string' ? Buffer.from(r.key, 'utf8') : r.key;
  if (r.value !== null) m.value = r.value;
  const headers = toKafkaHeaders(r.headers);
  if (headers !== undefined) m.headers = headers;
  if (keepPartition && r.partition !== undefined) m.partition = r.partition;
  return m;
}

/** A record's size on the wire, near enough: key, value, headers and a little framing. */
export function recordBytes(r: OutRecord): number {
  let n = 64 + (r.value?.length ?? 0) + (typeof r.key === 'string' ? r.key.length * 3 : (r.key?.length ?? 0));
  for (const [name, value] of r.headers) n += name.length * 3 + value.length + 8;
  return n;
}

/** The broker's record-level error anywhere in the client's error and what it wraps, if there is one. */
function recordErrorType(error: unknown): string | undefined {
  return errorIds(error).find((t) => RECORD_ERRORS.has(t));
}
