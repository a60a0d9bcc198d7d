import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { innermostMessage } from '../../infra/kafka/client-errors.ts';
import { createSchemaCodecs } from '../../schemas/src/codecs.ts';
import type { Action } from '../../schemas/src/types.ts';

export interface DetectionQuality {
  /** Decisions of the warm-up days, left out of everything below. */
  warmup: number;
  decided: number;
  frauds: number;
  byAction: Record<Action, number>;
  degraded: number;
  /** Frauds that were reviewed or declined. */
  caught: number;
  /** Genuine transactions that were reviewed or declined. */
  falseAlerts: number;
  declinedFrauds: number;
  declinedGenuine: number;
}

/**
 * Reads the decisions of this demo run and scores them against the simulator's ground truth, which the demo
 * records as it sends (transaction id → fraud or not). Decisions of earlier runs carry other ids and are skipped.
 */
export class DecisionObserver {
  /** Transaction id → fraud or not; null for a warm-up transaction (scored, but not counted). */
  readonly truth = new Map<string, boolean | null>();
  readonly quality: DetectionQuality = {
    warmup: 0,
    decided: 0,
    frauds: 0,
    byAction: { APPROVE: 0, REVIEW: 0, DECLINE: 0 },
    degraded: 0,
    caught: 0,
    falseAlerts: 0,
    declinedFrauds: 0,
    declinedGenuine: 0,
  };
  readonly #consumer: Consumer;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  #failure: string | undefined;
  #stopped: Promise<void> | undefined;

  constructor(
    brokers: readonly string[],
    readonly topic: string,
  ) {
    this.#consumer = new Consumer({
      clientId: 'demo-observer',
      bootstrapBrokers: [...brokers],
      // A group of its own that never commits: every demo run reads from where the topic ended at its start.
      groupId: `demo-observer-${process.pid}-${Date.now().toString(36)}`,
      retries: 5,
    });
  }

  /**
   * Reads on from the end the decisions topic has now; resolves once the stream is open, so no decision of this
   * run (sent after this resolves) is missed.
   */
  async start(): Promise<void> {
    const codecs = createSchemaCodecs();
    const topic = this.topic;
    // The ends first, then a stream from exactly there: no window between "latest" and the first fetch.
    const ends = (await this.#consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const stream = await this.#consumer.consume({
      topics: [topic],
      mode: 'manual',
      offsets: ends.map((offset, partition) => ({ topic, partition, offset })),
      autocommit: false,
      maxWaitTime: 200,
    });
    this.#stream = stream;
    stream.on('error', (error: Error) => (this.#failure = innermostMessage(error)));
    stream.on('data', (message: Message) => {
      if (!message.value) return;
      const decision = codecs.decision.decode(message.value);
      const isFraud = this.truth.get(decision.transactionId);
      if (isFraud === undefined) return;
      this.truth.delete(decision.transactionId);
      if (isFraud === null) this.quality.warmup++;
      else this.#count(decision.action, decision.degraded, isFraud);
    });
  }

  #count(action: Action, degraded: boolean, isFraud: boolean): void {
    const q = this.quality;
    q.decided++;
    q.byAction[action]++;
    if (degraded) q.degraded++;
    const alert = action !== 'APPROVE';
    if (isFraud) {
      q.frauds++;
      if (alert) q.caught++;
      if (action === 'DECLINE') q.declinedFrauds++;
    } else {
      if (alert) q.falseAlerts++;
      if (action === 'DECLINE') q.declinedGenuine++;
    }
  }

  /** Transactions sent whose decision has not been read yet. */
  get pending(): number {
    return this.truth.size;
  }

  /** Why reading stopped, if the client gave up (the summary's counts then end there). */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#stream?.close().catch(() => {});
      await this.#consumer.close(true);
    })();
    return this.#stopped;
  }
}
