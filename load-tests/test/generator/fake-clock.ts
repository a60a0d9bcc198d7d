import { setImmediate } from 'node:timers/promises';
import type { Clock } from '../../src/clock.ts';

/** Virtual time: sleeping advances it at once (by at least 1 ms, like a real timer). */
export class FakeClock implements Clock {
  us = 1_000_000_000;

  nowUs(): number {
    return this.us;
  }

  async sleepMs(ms: number): Promise<void> {
    this.us += Math.max(1, ms) * 1000;
    await setImmediate();
  }
}
