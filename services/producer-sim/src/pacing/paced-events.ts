import type { SimEvent, Simulation } from '../core/simulation.ts';
import type { Scheduled } from './open-loop.ts';
import type { SendSchedule } from './schedule.ts';

/**
 * The simulation's events with intended send times: each transaction takes the next slot of the schedule;
 * a label goes out with the transaction before it (the schedule paces transactions only). Stops after
 * `count` transactions.
 */
export function pacedEvents(
  sim: Simulation,
  schedule: SendSchedule,
  count: number,
): () => Scheduled<SimEvent> | undefined {
  let transactions = 0;
  let lastAt = 0;
  return () => {
    if (transactions >= count) return undefined;
    const event = sim.next();
    if (!event) return undefined;
    if (event.kind === 'transaction') {
      transactions++;
      lastAt = schedule.next(event.tx.eventTime);
    }
    return { item: event, at: lastAt };
  };
}
