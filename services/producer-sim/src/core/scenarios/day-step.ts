import type { Decorator } from '../decoration.ts';
import type { DayRows } from '../day-rows.ts';
import type { Tokens } from '../tokens.ts';
import type { World } from '../world.ts';

export interface ScenarioDeps {
  readonly world: World;
  readonly tokens: Tokens;
  readonly decorator: Decorator;
  readonly seed: number;
}

/**
 * A behaviour added to each simulated day. `genuine` steps reshape honest spending before the Handbook's
 * fraud rules run (so those rules see it); `fraud` steps inject labelled fraud rows afterwards.
 */
export interface DayStep {
  readonly phase: 'genuine' | 'fraud';
  applyDay(day: number, rows: DayRows): void;
}

/** Daily event counts are given per 5,000 customers (the Handbook's world) and scale with the world. */
export function perDay(deps: ScenarioDeps, per5000: number): number {
  return (per5000 * deps.world.customerCount) / 5000;
}

/** A random customer who transacts at all (has a terminal in reach), or -1 after a few misses. */
export function activeCustomer(deps: ScenarioDeps, pick: (n: number) => number): number {
  const world = deps.world;
  for (let attempt = 0; attempt < 32; attempt++) {
    const c = pick(world.customerCount);
    if (world.customerActive[c] === 1) return c;
  }
  return -1;
}
