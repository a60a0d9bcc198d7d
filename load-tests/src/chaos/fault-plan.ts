import { Rng } from '../../../services/producer-sim/src/core/random.ts';

/**
 * One fault of a run, `atMs` after the stream starts. A kill's victim is drawn when it fires, among the
 * instances live then (`pick` in [0, 1) chooses one), since which are live depends on the faults before it.
 */
export type FaultStep =
  | { readonly kind: 'kill'; readonly atMs: number; readonly pick: number; readonly restartAfterMs: number }
  | { readonly kind: 'broker'; readonly atMs: number; readonly downMs: number }
  | { readonly kind: 'rolling'; readonly atMs: number }
  | { readonly kind: 'freeze'; readonly atMs: number; readonly pick: number; readonly forMs: number };

export interface FaultPlanOptions {
  readonly seed: number;
  /** How long the stream is sent for: every fault is due within it. */
  readonly streamMs: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly rollingRestarts: number;
  /** SIGSTOPs of a live instance, each continued (SIGCONT) after `freezeMs`; default none. */
  readonly freezes?: number;
  readonly freezeMs?: number;
  /** How long the broker stays down after its SIGKILL. */
  readonly brokerDownMs: number;
  /** Bounds of the random wait between a SIGKILL and the restart of its instance. */
  readonly restartDelayMs: { readonly min: number; readonly max: number };
}

/**
 * Kills fall in this share of the stream: none before the scorers have warmed up, and a fifth left at the end for
 * kills that wait for a live instance (the later ones move with them).
 */
export const KILL_WINDOW = { from: 0.05, to: 0.8 } as const;
/**
 * Broker and rolling restarts are spread over this share: they take tens of seconds each (a broker start, every
 * instance rejoining), so they begin early enough to end while transactions are still coming.
 */
export const RESTART_WINDOW = { from: 0.1, to: 0.7 } as const;

/**
 * How long a frozen instance stays stopped by default: past its session timeout (10 s), so the group moves its
 * partitions, and past the transaction timeout (10 s) plus the coordinator's check for expired transactions
 * (every 10 s), so its open transaction is aborted under it and its producer fenced.
 */
export const FREEZE_MS = 25_000;

// A stream of its own, so the plan does not move when other draws from the same seed change.
const STREAM_FAULTS = 7;

/**
 * The faults of a run, from its seed alone: `kills` SIGKILLs at uniformly random moments, and the broker and
 * rolling restarts at evenly spaced moments with a random shift of up to a quarter of their spacing, interleaved
 * by kind. Sorted by time; the same options always give the same plan.
 */
export function planFaults(options: FaultPlanOptions): FaultStep[] {
  const { streamMs, restartDelayMs } = options;
  for (const [name, value] of [
    ['kills', options.kills],
    ['brokerRestarts', options.brokerRestarts],
    ['rollingRestarts', options.rollingRestarts],
    ['freezes', options.freezes ?? 0],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number, got ${value}`);
  }
  if (!(streamMs > 0)) throw new RangeError(`streamMs must be positive, got ${streamMs}`);
  if (!(restartDelayMs.min >= 0 && restartDelayMs.max >= restartDelayMs.min)) {
    throw new RangeError(`restartDelayMs must be 0 <= min <= max, got ${restartDelayMs.min}..${restartDelayMs.max}`);
  }
  const rng = new Rng(options.seed, STREAM_FAULTS);
  const steps: FaultStep[] = [];
  for (let i = 0; i < options.kills; i++) {
    steps.push({
      kind: 'kill',
      atMs: Math.round(streamMs * rng.uniform(KILL_WINDOW.from, KILL_WINDOW.to)),
      pick: rng.next(),
      restartAfterMs: Math.round(rng.uniform(restartDelayMs.min, restartDelayMs.max)),
    });
  }
  // Each kind evenly over the count of its own, then merged by that position: one broker and one rolling
  // restart come as broker then rolling, two brokers and one rolling as broker, rolling, broker. Freezes run
  // with them, one fault of the kind at a time.
  const freezes = options.freezes ?? 0;
  const restarts = [
    ...Array.from({ length: options.brokerRestarts }, (_, i) => ({
      kind: 'broker' as const,
      order: (i + 0.5) / options.brokerRestarts,
    })),
    ...Array.from({ length: options.rollingRestarts }, (_, i) => ({
      kind: 'rolling' as const,
      order: (i + 0.5) / options.rollingRestarts + 1e-9,
    })),
    ...Array.from({ length: freezes }, (_, i) => ({ kind: 'freeze' as const, order: (i + 0.5) / freezes + 2e-9 })),
  ].sort((a, b) => a.order - b.order);
  const span = RESTART_WINDOW.to - RESTART_WINDOW.from;
  const spacing = span / Math.max(1, restarts.length);
  restarts.forEach(({ kind }, i) => {
    const share = RESTART_WINDOW.from + spacing * (i + 0.5) + rng.uniform(-spacing / 4, spacing / 4);
    const atMs = Math.round(streamMs * share);
    if (kind === 'broker') steps.push({ kind, atMs, downMs: options.brokerDownMs });
    else if (kind === 'rolling') steps.push({ kind, atMs });
    else steps.push({ kind, atMs, pick: rng.next(), forMs: options.freezeMs ?? FREEZE_MS });
  });
  return steps.sort((a, b) => a.atMs - b.atMs);
}
