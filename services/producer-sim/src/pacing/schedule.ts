import type { Rng } from '../core/random.ts';

/** When each transaction should be sent, in ms after the start of the run. */
export interface SendSchedule {
  /** The intended send time of the next transaction, whose event time is `eventTime`. */
  next(eventTime: number): number;
}

/** `rate` transactions per second, evenly spaced. */
export function constantRate(rate: number): SendSchedule {
  const gap = 1000 / rate;
  let i = 0;
  return { next: () => i++ * gap };
}

/** Poisson arrivals at `rate` per second on average (exponential gaps). */
export function poissonRate(rate: number, rng: Rng): SendSchedule {
  const mean = 1000 / rate;
  let at = 0;
  return {
    next: () => {
      const current = at;
      at += rng.exponential(mean);
      return current;
    },
  };
}

/** A simulated clock: `speed` simulated seconds pass per wall second, from the first event's time. */
export function simulatedClock(speed: number): SendSchedule {
  let origin: number | undefined;
  return {
    next: (eventTime) => {
      origin ??= eventTime;
      return (eventTime - origin) / speed;
    },
  };
}
