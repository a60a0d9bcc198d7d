import { Kafka, logLevel, type Consumer } from 'kafkajs';
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

  constructor(
    brokers: readonly string[],
    readonly topic: string,
  ) {
    const kafka = new Kafka({ clientId: 'demo-observer', brokers: [...brokers], logLevel: logLevel.NOTHING });
    this.#consumer = kafka.consumer({ groupId: `demo-observer-${process.pid}-${Date.now().toString(36)}` });
  }

  /** Joins at the end of the decisions topic; resolves once it reads, so no decision of this run is missed. */
  async start(): Promise<void> {
    const codecs = createSchemaCodecs();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => resolve()));
    await this.#consumer.run({
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          if (!message.value) continue;
          const decision = codecs.decision.decode(message.value);
          const isFraud = this.truth.get(decision.transactionId);
          if (isFraud === undefined) continue;
          this.truth.delete(decision.transactionId);
          if (isFraud === null) this.quality.warmup++;
          else this.#count(decision.action, decision.degraded, isFraud);
        }
        return Promise.resolve();
      },
    });
    await joined;
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

  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }
}
