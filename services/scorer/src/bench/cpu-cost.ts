import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Mean cost of one item of a measured loop, in nanoseconds. */
export interface Cost {
  /** User + system CPU time of the whole process (every thread: V8's GC helpers, onnxruntime's). */
  readonly cpuNs: number;
  readonly wallNs: number;
  readonly items: number;
}

/**
 * `gc()` without `--expose-gc` on the command line: each stage starts from a collected heap, so it pays for
 * its own garbage and not for the stage before it.
 */
export function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return gc;
}

/** Runs `body` once over `items` items after a full collection and returns its mean CPU and wall cost per item. */
export async function measure(items: number, gc: () => void, body: () => unknown): Promise<Cost> {
  gc();
  // V8 sweeps concurrently after a full collection: let its helper threads finish off the clock.
  await sleep(50);
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  await body();
  const wall = Number(process.hrtime.bigint() - wall0);
  const cpu = process.cpuUsage(cpu0);
  return { cpuNs: ((cpu.user + cpu.system) * 1000) / items, wallNs: wall / items, items };
}
