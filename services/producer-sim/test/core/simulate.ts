import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import { BASELINE_SCENARIOS, SCENARIO_IDS } from '../../src/core/scenario-ids.ts';
import type { ScenarioId } from '../../src/core/scenario-ids.ts';
import { Simulation } from '../../src/core/simulation.ts';
import type { SimEvent, SimulationParams } from '../../src/core/simulation.ts';

export const DAY_MS = 86_400_000;

export function params(overrides: Partial<SimulationParams> = {}): SimulationParams {
  return {
    seed: 42,
    customers: 5000,
    terminals: 10_000,
    planeKm: 100,
    radiusKm: 5,
    startMs: Date.UTC(2018, 3, 1),
    days: 3,
    scenarios: new Set<ScenarioId>(BASELINE_SCENARIOS),
    labelDelayMs: 7 * DAY_MS,
    runId: 's42',
    ...overrides,
  };
}

export const FULL = new Set<ScenarioId>(SCENARIO_IDS);

export interface Collected {
  events: SimEvent[];
  transactions: { tx: Transaction; scenario: ScenarioId | null }[];
  labels: Label[];
  sim: Simulation;
}

/** Runs a simulation to its end (or `limit` events) and keeps everything it emitted. */
export function collect(p: SimulationParams, limit = Infinity): Collected {
  const sim = new Simulation(p);
  const events: SimEvent[] = [];
  const transactions: Collected['transactions'] = [];
  const labels: Label[] = [];
  for (let e = sim.next(); e && events.length < limit; e = sim.next()) {
    events.push(e);
    if (e.kind === 'transaction') transactions.push({ tx: e.tx, scenario: e.scenario });
    else labels.push(e.label);
  }
  return { events, transactions, labels, sim };
}
