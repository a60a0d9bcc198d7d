export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Waits `ms` (0 = just let pending I/O run). */
  sleep(ms: number): Promise<void>;
}

export interface Scheduled<T> {
  readonly item: T;
  /** Intended send time, ms after the start of the run. */
  readonly at: number;
}

export interface ProgressReport {
  readonly elapsedMs: number;
  readonly sent: number;
  readonly acked: number;
  readonly inFlight: number;
  /** How late the most recent batch went out against its intended time, and the worst since the last report. */
  readonly lagMs: number;
  readonly maxLagMs: number;
  /** Items acknowledged per second since the last report. */
  readonly ackedPerSecond: number;
  readonly behind: boolean;
}

export interface OpenLoopOptions<T> {
  /** The next item and its intended time, or undefined when the source is done. */
  readonly source: () => Scheduled<T> | undefined;
  readonly send: (batch: T[]) => Promise<void>;
  readonly clock: Clock;
  /** Concurrent `send` calls; past this the loop waits for one and the lag shows it. */
  readonly maxInFlight: number;
  readonly maxBatch: number;
  /** Stop scheduling after this long (Infinity: until the source ends). */
  readonly durationMs: number;
  readonly signal?: AbortSignal | undefined;
  /** A lag above this marks a report as behind schedule. */
  readonly behindMs: number;
  readonly reportEveryMs: number;
  readonly onReport: (report: ProgressReport) => void;
}

export interface OpenLoopSummary {
  readonly elapsedMs: number;
  readonly sent: number;
  readonly acked: number;
  readonly maxLagMs: number;
  /** Average over the whole run. */
  readonly ackedPerSecond: number;
  readonly stoppedBy: 'source' | 'duration' | 'signal';
}

/**
 * Sends items when their schedule says, not when the previous send is acknowledged: a slow consumer shows up
 * as lag (the gap between intended and actual send time) instead of silently lowering the rate. All items
 * already due go out together in one batch, so a loop that falls behind catches up with bigger batches.
 */
export async function runOpenLoop<T>(options: OpenLoopOptions<T>): Promise<OpenLoopSummary> {
  const { clock, source } = options;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let sent = 0;
  let acked = 0;
  let lagMs = 0;
  let maxLagMs = 0;
  let intervalMaxLag = 0;
  const start = clock.now();
  let lastReport = { at: start, acked: 0 };
  let next = source();
  let stoppedBy: OpenLoopSummary['stoppedBy'] = 'source';

  const report = (now: number): void => {
    const seconds = (now - lastReport.at) / 1000;
    options.onReport({
      elapsedMs: now - start,
      sent,
      acked,
      inFlight: inFlight.size,
      lagMs,
      maxLagMs: intervalMaxLag,
      ackedPerSecond: seconds > 0 ? (acked - lastReport.acked) / seconds : 0,
      behind: intervalMaxLag > options.behindMs,
    });
    lastReport = { at: now, acked };
    intervalMaxLag = 0;
  };

  for (;;) {
    if (failure !== undefined) break;
    const now = clock.now();
    const elapsed = now - start;
    if (now - lastReport.at >= options.reportEveryMs) report(now);
    if (options.signal?.aborted) {
      stoppedBy = 'signal';
      break;
    }
    if (elapsed >= options.durationMs) {
      stoppedBy = 'duration';
      break;
    }
    if (!next) break;
    if (next.at > elapsed) {
      const untilReport = lastReport.at + options.reportEveryMs - now;
      await clock.sleep(Math.max(0, Math.min(next.at - elapsed, untilReport, options.durationMs - elapsed)));
      continue;
    }
    if (inFlight.size >= options.maxInFlight) {
      await Promise.race(inFlight);
      continue;
    }
    lagMs = elapsed - next.at;
    if (lagMs > intervalMaxLag) intervalMaxLag = lagMs;
    if (lagMs > maxLagMs) maxLagMs = lagMs;
    const batch: T[] = [];
    while (next && next.at <= elapsed && batch.length < options.maxBatch) {
      batch.push(next.item);
      next = source();
    }
    sent += batch.length;
    const sending: Promise<void> = options.send(batch).then(
      () => {
        acked += batch.length;
        inFlight.delete(sending);
      },
      (error: unknown) => {
        failure ??= error;
        inFlight.delete(sending);
      },
    );
    inFlight.add(sending);
    // Let the client's I/O and acknowledgements run between batches even when far behind.
    await clock.sleep(0);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('send failed', { cause: failure });
  const end = clock.now();
  // A last report only if it covers enough time for its rate to mean something.
  if (end - lastReport.at >= options.reportEveryMs / 10) report(end);
  const elapsedMs = end - start;
  return {
    elapsedMs,
    sent,
    acked,
    maxLagMs,
    ackedPerSecond: elapsedMs > 0 ? (acked * 1000) / elapsedMs : 0,
    stoppedBy,
  };
}
