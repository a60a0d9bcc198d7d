import type { SimConfig } from './config.ts';
import { Simulation } from './core/simulation.ts';

/** The simulation a command line describes (`loadConfig`); the CLI and the demo both start from it. */
export function createSimulation(config: SimConfig): Simulation {
  return new Simulation({
    seed: config.seed,
    customers: config.customers,
    terminals: config.terminals,
    planeKm: config.planeKm,
    radiusKm: config.radiusKm,
    startMs: config.startMs,
    days: config.days,
    scenarios: new Set(config.scenarios),
    labelDelayMs: config.labelDelayMs,
    runId: config.runId,
    context: config.context,
  });
}
