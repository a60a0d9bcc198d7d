import { Rng } from '../../../services/producer-sim/src/core/random.ts';
import { constantRate, poissonRate } from '../../../services/producer-sim/src/pacing/schedule.ts';
import type { Arrivals } from '../config.ts';

// Its own random stream, apart from the simulator's, so the arrivals never change the transactions.
const ARRIVALS_STREAM = 0x1a7e;

/** Intended send times, ms after the start of a phase, from the simulator's open-loop schedules. */
export function scheduleOffsets(count: number, rate: number, arrivals: Arrivals, seed: number): Float64Array {
  const schedule = arrivals === 'poisson' ? poissonRate(rate, new Rng(seed, ARRIVALS_STREAM)) : constantRate(rate);
  const offsets = new Float64Array(count);
  for (let i = 0; i < count; i++) offsets[i] = schedule.next(0);
  return offsets;
}
