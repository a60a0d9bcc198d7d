import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import { SCENARIO_IDS } from '../../../producer-sim/src/core/scenario-ids.ts';
import { Simulation } from '../../../producer-sim/src/core/simulation.ts';

const DAY_MS = 86_400_000;
/** Simulated transactions per customer and day, measured on this simulator (about 2). */
const TX_PER_CUSTOMER_DAY = 2;
const NONE: readonly Label[] = Object.freeze([]);

export interface BenchInput {
  readonly txs: readonly Transaction[];
  /** The transactions as they sit on the topic: Confluent-framed Avro. */
  readonly encoded: readonly Buffer[];
  /** Labels due before transaction i (reportedAt ≤ its event time): `labelsBefore[i]`, in stream order. */
  readonly labelsBefore: readonly (readonly Label[])[];
  readonly labels: number;
  readonly days: number;
  readonly customers: number;
}

/**
 * `count` simulated transactions (full scenario mix, seed 42) of a world sized so they span about `days` days:
 * long enough that terminal windows (days D-37..D-8) hold data and cards have a history.
 */
export function benchInput(count: number, days: number, codecs: SchemaCodecs): BenchInput {
  const customers = Math.max(100, Math.round(count / days / TX_PER_CUSTOMER_DAY));
  const terminals = 2 * customers;
  const sim = new Simulation({
    seed: 42,
    customers,
    terminals,
    planeKm: 100 * Math.sqrt(terminals / 10_000),
    radiusKm: 5,
    startMs: Date.UTC(2018, 3, 1),
    days: Number.POSITIVE_INFINITY,
    scenarios: new Set(SCENARIO_IDS),
    labelDelayMs: 7 * DAY_MS,
    runId: 'bench',
  });
  const txs: Transaction[] = [];
  const labelsBefore: (readonly Label[])[] = [];
  let pending: Label[] = [];
  let labels = 0;
  for (let e = sim.next(); e && txs.length < count; e = sim.next()) {
    if (e.kind === 'label') {
      pending.push(e.label);
      labels++;
      continue;
    }
    txs.push(e.tx);
    labelsBefore.push(pending.length === 0 ? NONE : pending);
    if (pending.length > 0) pending = [];
  }
  const span = txs.length > 0 ? (txs[txs.length - 1]!.eventTime - txs[0]!.eventTime) / DAY_MS : 0;
  return {
    txs,
    encoded: txs.map((tx) => codecs.transaction.encode(tx)),
    labelsBefore,
    labels,
    days: Math.round(span * 10) / 10,
    customers,
  };
}
