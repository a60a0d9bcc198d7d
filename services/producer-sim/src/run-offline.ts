import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Simulation } from './core/simulation.ts';
import type { StatsSummary } from './core/stats.ts';
import type { EventSink } from './sinks/event-sink.ts';

export interface OfflineRunOptions {
  /** Stop after this many transactions (Infinity: run out the simulated days). */
  readonly count: number;
  readonly signal?: AbortSignal;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Settings recorded in the manifest next to the measured numbers. */
  readonly settings: object;
}

export interface OfflineRunSummary extends StatsSummary {
  seconds: number;
  transactionsPerSecond: number;
}

/** Runs the simulation as fast as it goes into a file-style sink (no pacing). */
export async function runOffline(
  sim: Simulation,
  sink: EventSink,
  options: OfflineRunOptions,
): Promise<OfflineRunSummary> {
  const started = options.now();
  let transactions = 0;
  for (let event = sim.next(); event; event = sim.next()) {
    const pending = sink.write(event);
    if (pending) await pending;
    if (event.kind !== 'transaction') continue;
    if (++transactions >= options.count) break;
    // Yield now and then so a signal can be handled even when the sink never waits.
    if ((transactions & 0xffff) === 0) await yieldToEventLoop();
    if (options.signal?.aborted) {
      options.logger.warn({ transactions }, 'stopped by signal before the end of the run');
      break;
    }
  }
  const seconds = (options.now() - started) / 1000;
  const summary = { ...sim.stats.summary(), seconds, transactionsPerSecond: sim.stats.transactions / seconds };
  await sink.close({ settings: options.settings, summary });
  return summary;
}
