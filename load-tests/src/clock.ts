import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Wall-clock time for latencies that cross processes: intended send times travel in record headers. */
export interface Clock {
  /** Epoch microseconds, sub-millisecond resolution. */
  nowUs(): number;
  /** Waits about `ms` (at least one timer tick). */
  sleepMs(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  nowUs: () => (performance.timeOrigin + performance.now()) * 1000,
  // A timer, never a setImmediate spin: the machine is shared, and the lag it costs is measured, not hidden.
  sleepMs: (ms) => sleep(Math.max(0, Math.floor(ms))),
};
