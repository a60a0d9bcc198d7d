import type { SchemaCodecs } from '../../../schemas/src/codecs.ts';
import { createBenchSimulation, type PreparedRecord } from '../generator/transaction-pool.ts';
import type { RecordToSend } from '../kafka/load-producer.ts';

const DAY_MS = 86_400_000;

export interface ChaosInputOptions {
  readonly seed: number;
  /** Prefix of the transaction ids. */
  readonly runId: string;
  readonly transactions: number;
  /** Simulated days from a fraud to its report; the simulator's default is 7. */
  readonly labelDelayDays: number;
}

/** One run's input, encoded: the transactions in event-time order and the fraud reports the world made meanwhile. */
export interface ChaosInput {
  readonly transactions: readonly PreparedRecord[];
  /** Keyed by card id, as the simulator writes them. */
  readonly labels: readonly RecordToSend[];
  /** Event time of the first and the last transaction (epoch ms). */
  readonly firstEventMs: number;
  readonly lastEventMs: number;
}

/**
 * Takes `transactions` transactions from the simulator's bench world and keeps the labels it emits among them
 * (reports due by the last transaction's event time). The labels go to Kafka before any transaction: a label
 * counts only from its `reportedAt`, so a scorer that has read them all knows, at every event time, exactly the
 * reports made by then, whichever instance decides and whenever it started.
 */
export function buildChaosInput(options: ChaosInputOptions, codecs: SchemaCodecs): ChaosInput {
  const sim = createBenchSimulation(options.seed, options.runId, options.labelDelayDays * DAY_MS);
  const transactions: PreparedRecord[] = [];
  const labels: RecordToSend[] = [];
  let firstEventMs = 0;
  let lastEventMs = 0;
  while (transactions.length < options.transactions) {
    const event = sim.next();
    if (!event) throw new Error('the simulation ended early: it is configured without an end');
    if (event.kind === 'label') {
      labels.push({ key: Buffer.from(event.label.cardId), value: codecs.label.encode(event.label) });
      continue;
    }
    const { tx } = event;
    if (transactions.length === 0) firstEventMs = tx.eventTime;
    lastEventMs = tx.eventTime;
    transactions.push({
      transactionId: tx.transactionId,
      key: Buffer.from(tx.cardId),
      value: codecs.transaction.encode(tx),
    });
  }
  return { transactions, labels, firstEventMs, lastEventMs };
}
