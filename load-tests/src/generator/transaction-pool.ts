import type { AvroCodec } from '../../../schemas/src/codec.ts';
import type { Transaction } from '../../../schemas/src/types.ts';
import { SCENARIO_IDS } from '../../../services/producer-sim/src/core/scenario-ids.ts';
import { Simulation } from '../../../services/producer-sim/src/core/simulation.ts';

/** One transaction ready to send: encoding happens before its phase, off the clock. */
export interface PreparedRecord {
  readonly transactionId: string;
  /** Card token, UTF-8: the partitioning key, as the simulator writes it. */
  readonly key: Buffer;
  readonly value: Buffer;
}

/**
 * The simulator's default world (5,000 cards, 10,000 terminals, every fraud scenario), seeded. `labelDelayMs`
 * (default a week, the simulator's) is how long after a fraud its report comes.
 */
export function createBenchSimulation(seed: number, runId: string, labelDelayMs = 7 * 86_400_000): Simulation {
  return new Simulation({
    seed,
    customers: 5_000,
    terminals: 10_000,
    planeKm: 100,
    radiusKm: 5,
    startMs: Date.UTC(2018, 3, 1),
    days: Infinity,
    scenarios: new Set(SCENARIO_IDS),
    labelDelayMs,
    runId,
  });
}

/**
 * Draws successive transactions from one simulation, so event times keep moving forward across phases (the
 * scorer's card windows see one continuous stream) and no two phases share a transaction id. Labels are left
 * out: the load test measures the transaction path.
 */
export class TransactionPool {
  readonly #sim: Simulation;
  readonly #codec: AvroCodec<Transaction>;
  #records = 0;
  #bytes = 0;

  constructor(sim: Simulation, codec: AvroCodec<Transaction>) {
    this.#sim = sim;
    this.#codec = codec;
  }

  take(count: number): PreparedRecord[] {
    const out: PreparedRecord[] = [];
    while (out.length < count) {
      const event = this.#sim.next();
      if (!event) throw new Error('the simulation ended early: it is configured without an end');
      if (event.kind !== 'transaction') continue;
      const value = this.#codec.encode(event.tx);
      out.push({ transactionId: event.tx.transactionId, key: Buffer.from(event.tx.cardId), value });
      this.#records++;
      this.#bytes += value.length;
    }
    return out;
  }

  /** Mean encoded size of what was taken so far: the message size the baselines use. */
  get meanValueBytes(): number {
    return this.#records === 0 ? 0 : this.#bytes / this.#records;
  }
}
