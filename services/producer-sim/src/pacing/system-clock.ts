import { performance } from 'node:perf_hooks';
import { setImmediate, setTimeout } from 'node:timers/promises';
import type { Clock } from './open-loop.ts';

export const systemClock: Clock = {
  now: () => performance.now(),
  // setImmediate lets I/O callbacks (acks) run first; timers are only needed for a real wait.
  sleep: async (ms) => {
    if (ms < 1) await setImmediate();
    else await setTimeout(ms);
  },
};
