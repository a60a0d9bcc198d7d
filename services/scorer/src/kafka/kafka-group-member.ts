import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { Logger } from '../observability/logger.ts';
import type { InRecord } from '../core/scoring/records.ts';
import type { CommitOutcome, GroupGeneration, GroupHandlers, GroupMember, PartitionBatch } from './group-member.ts';
import { ScorerError } from '../errors.ts';
import { classifyKafkaError, errorIds, INSTANCE_FENCED } from './kafka-errors.ts';
import { fromKafkaHeaders } from './kafka-headers.ts';

/** A commit refused because the group has moved to a generation this member is not (yet) part of. */
const STALE_COMMIT = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);
const EMPTY = Buffer.alloc(0);

export interface KafkaGroupMemberOptions {
  /**
   * Where a partition's reading starts after a join: the group's committed offset (the earliest where there is
   * none), or always the earliest (a member of a private group that reads a whole topic at every start).
   */
  readonly from: 'committed' | 'earliest';
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** The fetch long poll: a stop waits for the fetch in flight. */
  readonly maxWaitTimeMs: number;
  /** Bytes fetched per partition and request, at most. */
  readonly maxBytesPerPartition?: number;
}

/**
 * The group member on @platformatic/kafka (classic protocol, eager: every partition is revoked at each
 * rebalance). The client calls `protocolsMetadata` before every JoinGroup it sends, so `revoking` runs there and
 * the join waits for it: sent decisions are acknowledged and committed under the generation that owns them
 * before the member takes part in the new one (bounded by the source's own wait, well under the rebalance
 * timeout). After each join a new fetch stream starts from the committed offsets, so nothing fetched for the old
 * assignment is handed on. Each fetch response becomes one batch per partition; the stream is paused while
 * batches are worked on, so fetching waits for the scorer (backpressure) and a partition's batches stay in order.
 */
export class KafkaGroupMember implements GroupMember {
  readonly #consumer: Consumer;
  readonly #topic: string;
  readonly #options: KafkaGroupMemberOptions;
  readonly #log: Logger;
  #handlers: GroupHandlers | undefined;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  /** The generation the current stream was opened under. */
  #streamGeneration = -1;
  /** The generation of the last join, to tell a member that stayed from one that was out in between. */
  #joinedGeneration: number | undefined;
  /** The generation and member id the current stream was opened under, handed on with its batches. */
  #fetchedUnder: GroupGeneration = { generationId: -1, memberId: null };
  #pending = new Map<number, Message[]>();
  #flushScheduled = false;
  #work: Promise<void> = Promise.resolve();
  #paused = false;
  #closing = false;
  #restarts = 0;
  /** Per partition, the log end offset last read (for lag: the stream does not pass the fetch's own on). */
  readonly #highWatermarks: bigint[] = [];
  #watermarkTimer: NodeJS.Timeout | undefined;

  constructor(consumer: Consumer, topic: string, options: KafkaGroupMemberOptions, log: Logger) {
    this.#consumer = consumer;
    this.#topic = topic;
    this.#options = options;
    this.#log = log;
  }

  async run(handlers: GroupHandlers): Promise<void> {
    this.#handlers = handlers;
    const consumer = this.#consumer;
    consumer.on('consumer:group:join', (e) => {
      const partitions = e.assignments?.find((a) => a.topic === this.#topic)?.partitions ?? [];
      // A member in the group throughout sees every generation: the next one, or the same one when a static
      // member's rejoin caused no rebalance. A larger step means generations went by without it.
      const generation = consumer.generationId;
      const uninterrupted = this.#joinedGeneration === undefined || generation - this.#joinedGeneration <= 1;
      this.#joinedGeneration = generation;
      handlers.assigned(
        [...partitions].sort((a, b) => a - b),
        uninterrupted,
      );
      if (this.#stream !== undefined && consumer.generationId !== this.#streamGeneration) this.#restartStream();
    });
    // Without a listener an 'error' event would throw; the client emits one when a rejoin failed for good.
    consumer.on('error', (error: Error) => this.#onClientError(error));
    consumer.on('consumer:heartbeat:error', (e) => {
      if (errorIds(e.error).includes(INSTANCE_FENCED)) {
        const message = 'another live instance joined the consumer group with this SCORER_INSTANCE_ID';
        this.#handlers?.fatal(new ScorerError('INSTANCE_FENCED', message, false, { cause: e.error }));
      } else if (classifyKafkaError(e.error) !== 'rejoin') this.#log.warn({ err: e.error.message }, 'heartbeat failed');
    });
    await this.#openStream();
    this.#watermarkTimer = setInterval(() => void this.#readWatermarks(), 1000);
    this.#watermarkTimer.unref();
  }

  async #readWatermarks(): Promise<void> {
    try {
      const ends = (await this.#consumer.listOffsets({ topics: [this.#topic] })).get(this.#topic) ?? [];
      for (let p = 0; p < ends.length; p++) this.#highWatermarks[p] = ends[p]!;
    } catch {
      // Lag is for the dashboard: the next read will do.
    }
  }

  async commit(offsets: readonly (readonly [number, bigint])[]): Promise<CommitOutcome> {
    if (offsets.length === 0) return 'ok';
    const topic = this.#topic;
    try {
      await this.#consumer.commit({
        offsets: offsets.map(([partition, offset]) => ({ topic, partition, offset, leaderEpoch: -1 })),
      });
      return 'ok';
    } catch (error) {
      return errorIds(error).some((t) => STALE_COMMIT.has(t)) ? 'stale' : 'failed';
    }
  }

  pause(): void {
    this.#paused = true;
    this.#stream?.pause();
  }

  rewind(): void {
    if (this.#closing || this.#stream === undefined) return;
    this.#restartStream();
  }

  /** The consumer, for a transaction that commits this member's offsets under its group generation. */
  get consumer(): Consumer {
    return this.#consumer;
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#paused = true;
    clearInterval(this.#watermarkTimer);
    const stream = this.#stream;
    this.#stream = undefined;
    await this.#work.catch(() => {});
    if (stream !== undefined) await stream.close().catch(() => {});
    await this.#consumer.close(true);
  }

  #groupOptions() {
    const o = this.#options;
    return {
      sessionTimeout: o.sessionTimeoutMs,
      rebalanceTimeout: o.rebalanceTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      // Called before each JoinGroup: the member gives up its partitions (and commits) before it rejoins.
      protocolsMetadata: async () => {
        await this.#handlers?.revoking();
        return EMPTY;
      },
    };
  }

  async #openStream(): Promise<void> {
    const stream = await this.#consumer.consume({
      topics: [this.#topic],
      mode: this.#options.from,
      fallbackMode: 'earliest',
      autocommit: false,
      maxWaitTime: this.#options.maxWaitTimeMs,
      ...(this.#options.maxBytesPerPartition !== undefined
        ? { maxBytesPerPartition: this.#options.maxBytesPerPartition }
        : {}),
      ...this.#groupOptions(),
    });
    if (this.#closing) {
      await stream.close().catch(() => {});
      return;
    }
    this.#stream = stream;
    this.#streamGeneration = this.#consumer.generationId;
    this.#fetchedUnder = { generationId: this.#consumer.generationId, memberId: this.#consumer.memberId };
    stream.on('data', (m: Message) => this.#onMessage(stream, m));
    stream.on('error', (error: Error) => {
      if (stream === this.#stream) this.#onStreamError(error);
    });
    if (this.#paused) stream.pause();
  }

  /** Drops the stream of the old assignment (what it still delivers is ignored) and reads on from the commits. */
  #restartStream(): void {
    const old = this.#stream;
    this.#stream = undefined;
    this.#pending.clear();
    if (old !== undefined) void old.close().catch(() => {});
    if (this.#closing) return;
    this.#openStream().catch((error: unknown) => this.#onStreamError(error));
  }

  #onMessage(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, m: Message): void {
    if (stream !== this.#stream) return;
    let list = this.#pending.get(m.partition);
    if (list === undefined) this.#pending.set(m.partition, (list = []));
    list.push(m);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // A fetch response's records are pushed in one go: hand them on once it is done, as one batch a partition.
      queueMicrotask(() => this.#flush(stream));
    }
  }

  #flush(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): void {
    this.#flushScheduled = false;
    if (stream !== this.#stream || this.#pending.size === 0) return;
    const taken = this.#pending;
    this.#pending = new Map();
    stream.pause();
    const handlers = this.#handlers!;
    this.#work = this.#work.then(async () => {
      const batches: Promise<void>[] = [];
      for (const [partition, messages] of taken) {
        const batch = toBatch(
          this.#topic,
          partition,
          messages,
          this.#highWatermarks[partition] ?? -1n,
          this.#fetchedUnder,
        );
        batches.push(
          handlers
            .batch(batch, { heartbeat: () => Promise.resolve(), consumed: () => {} })
            .catch((error: unknown) => this.#onBatchError(error)),
        );
      }
      await Promise.all(batches);
      this.#restarts = 0;
      if (stream === this.#stream && !this.#paused) stream.resume();
    });
  }

  #onBatchError(error: unknown): void {
    const kind = classifyKafkaError(error);
    if (kind === 'fatal') this.#handlers?.fatal(error);
    else this.#log.warn({ err: errorMessageOf(error), kind }, 'batch ended by a Kafka error');
  }

  #onStreamError(error: unknown): void {
    if (this.#closing) return;
    if (classifyKafkaError(error) === 'fatal') {
      this.#handlers?.fatal(error);
      return;
    }
    // Lost connections, a restarted broker, a leader that moved: open the stream again, backing off.
    const delay = Math.min(5000, 100 * 2 ** this.#restarts++);
    this.#log.warn({ err: errorMessageOf(error), retryInMs: delay }, 'fetch stream failed: starting it again');
    const old = this.#stream;
    this.#stream = undefined;
    if (old !== undefined) void old.close().catch(() => {});
    setTimeout(() => {
      if (!this.#closing && this.#stream === undefined)
        this.#openStream().catch((e: unknown) => this.#onStreamError(e));
    }, delay).unref();
  }

  #onClientError(error: Error): void {
    if (this.#closing) return;
    // The client gave up rejoining (coordinator away too long): join again from scratch via a new stream.
    this.#onStreamError(error);
  }
}

function toBatch(
  topic: string,
  partition: number,
  messages: readonly Message[],
  end: bigint,
  generation: GroupGeneration,
): PartitionBatch {
  const records = new Array<InRecord>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    records[i] = {
      topic,
      partition,
      offset: m.offset.toString(),
      timestamp: Number(m.timestamp),
      key: m.key ?? null,
      value: m.value ?? null,
      headers: fromKafkaHeaders(m.headerEntries),
    };
  }
  const next = messages[messages.length - 1]!.offset + 1n;
  return { topic, partition, records, highWatermark: end > next ? end : next, generation };
}

function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
