import type { ModelInfo, ModelPort } from '../model-port.ts';

/** The models that scored a request: the champion, and the challenger if one was set (its rows NaN where it did not score). */
export interface ScoredBy {
  readonly champion: ModelInfo;
  readonly challenger: ModelInfo | null;
}

/** What became of one challenger call: scored, threw, scored but over its budget (then paused), or paused. */
export const CHALLENGER_OUTCOMES = ['scored', 'failed', 'slow', 'paused'] as const;
export type ChallengerOutcome = (typeof CHALLENGER_OUTCOMES)[number];

/** A challenger call slower than this (µs, wall time) pauses the challenger, unless configured otherwise. */
export const DEFAULT_CHALLENGER_BUDGET_US = 50_000;

interface Pending {
  features: Float32Array;
  rows: number;
  out: Float32Array;
  challengerOut: Float32Array | undefined;
  /** The models of this request's first call: a swap waits until no request is part-scored, so they stay. */
  by: ScoredBy | undefined;
  /** Next row of this request not yet handed to the model. */
  next: number;
  /** Rows scored so far. */
  done: number;
  resolve: (by: ScoredBy) => void;
  reject: (error: unknown) => void;
}

interface Change {
  readonly champion?: ModelPort;
  /** null: remove the challenger. */
  readonly challenger?: ModelPort | null;
  readonly resolve: (previous: ModelPort | null) => void;
}

export interface MicroBatcherOptions {
  /** Rows per model call at most. */
  readonly maxRows: number;
  /** How long the first queued row waits for company before the model runs anyway; 0 runs on the next tick. */
  readonly maxWaitMs: number;
  /**
   * Times each model call: `onModelCall` gets its row count and duration in µs by `nowUs`, a monotonic clock in
   * microseconds that the caller gives (the core reads no clock of its own).
   */
  readonly timing?: {
    readonly nowUs: () => number;
    readonly onModelCall: (rows: number, micros: number) => void;
    /** Each challenger call (or skipped call) and its rows; `micros` 0 when it did not run. */
    readonly onChallengerCall?: (outcome: ChallengerOutcome, rows: number, micros: number) => void;
  };
  /**
   * A challenger call slower than this (µs, by `timing.nowUs`), or one that throws, pauses the challenger for
   * `challengerPauseCalls` calls: it shadows the champion and must not slow it for long. Default 50,000 µs (wall time: the call waits its turn
   * on the event loop too, so a tight budget pauses a healthy challenger), 1000.
   */
  readonly challengerBudgetUs?: number;
  readonly challengerPauseCalls?: number;
}

/**
 * Gathers feature rows from concurrent callers (one per partition being worked on) into model calls of up to
 * `maxRows` rows, run one at a time: `run()` blocks the event loop, so small calls keep the stalls short.
 */
export class MicroBatcher {
  #model: ModelPort;
  #challenger: ModelPort | null = null;
  #challengerPausedFor = 0;
  readonly #changes: Change[] = [];
  readonly #challengerOutput: Float32Array;
  readonly #width: number;
  readonly #options: MicroBatcherOptions;
  readonly #input: Float32Array;
  readonly #output: Float32Array;
  readonly #queue: Pending[] = [];
  #queuedRows = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(model: ModelPort, options: MicroBatcherOptions) {
    this.#model = model;
    this.#width = model.info.featureNames.length;
    this.#options = options;
    this.#input = new Float32Array(options.maxRows * this.#width);
    this.#output = new Float32Array(options.maxRows);
    this.#challengerOutput = new Float32Array(options.maxRows);
  }

  /** The champion serving now. */
  get serving(): ModelInfo {
    return this.#model.info;
  }

  get challenger(): ModelInfo | null {
    return this.#challenger?.info ?? null;
  }

  /**
   * Scores `rows` row-major feature rows into `out[0..rows)` with the champion, and, when a challenger is set and
   * `challengerOut` given, into `challengerOut` with the challenger (NaN for rows it did not score). Resolves with
   * the models that did; rejects if a champion call that held the rows failed.
   */
  score(features: Float32Array, rows: number, out: Float32Array, challengerOut?: Float32Array): Promise<ScoredBy> {
    if (rows === 0) return Promise.resolve({ champion: this.#model.info, challenger: null });
    return new Promise<ScoredBy>((resolve, reject) => {
      this.#queue.push({ features, rows, out, challengerOut, by: undefined, next: 0, done: 0, resolve, reject });
      this.#queuedRows += rows;
      if (this.#running) return;
      if (this.#queuedRows >= this.#options.maxRows) this.#runSoon(0);
      else this.#runSoon(this.#options.maxWaitMs);
    });
  }

  #runSoon(delayMs: number): void {
    if (this.#timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, delayMs);
  }

  /**
   * Makes `model` the champion between two model calls, once no request is part-scored, so every request is
   * scored by one champion whole. Resolves with the previous champion, which no call uses any more.
   */
  swap(model: ModelPort): Promise<ModelPort> {
    this.#assertWidth(model);
    return this.#change({ champion: model }) as Promise<ModelPort>;
  }

  /** Sets (or with null removes) the challenger, between calls like `swap`; resolves with the previous one. */
  setChallenger(model: ModelPort | null): Promise<ModelPort | null> {
    if (model !== null) this.#assertWidth(model);
    return this.#change({ challenger: model });
  }

  #assertWidth(model: ModelPort): void {
    if (model.info.featureNames.length !== this.#width) {
      throw new Error(`a model of ${model.info.featureNames.length} features cannot replace one of ${this.#width}`);
    }
  }

  #change(change: Omit<Change, 'resolve'>): Promise<ModelPort | null> {
    return new Promise((resolve) => {
      this.#changes.push({ ...change, resolve });
      // Not running: nothing is part-scored (a drain empties the queue before it ends).
      if (!this.#running) this.#applyChanges();
    });
  }

  #applyChanges(): void {
    for (const change of this.#changes.splice(0)) {
      if (change.champion !== undefined) {
        const previous = this.#model;
        this.#model = change.champion;
        change.resolve(previous);
      } else {
        const previous = this.#challenger;
        this.#challenger = change.challenger ?? null;
        this.#challengerPausedFor = 0;
        change.resolve(previous);
      }
    }
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0) await this.#runOnce();
    } finally {
      this.#running = false;
      this.#applyChanges();
    }
  }

  async #runOnce(): Promise<void> {
    const width = this.#width;
    const segments: { p: Pending; from: number; count: number; at: number }[] = [];
    // A change waits for the part-scored requests (at most one: requests are taken in order) to finish.
    const partScored = this.#queue.some((p) => p.next > 0);
    if (this.#changes.length > 0 && !partScored) this.#applyChanges();
    const onlyPartScored = this.#changes.length > 0;
    const by: ScoredBy = { champion: this.#model.info, challenger: this.#challenger?.info ?? null };
    let filled = 0;
    for (const p of this.#queue) {
      if (filled === this.#options.maxRows) break;
      if (onlyPartScored && p.next === 0) continue;
      const count = Math.min(p.rows - p.next, this.#options.maxRows - filled);
      if (count === 0) continue;
      this.#input.set(p.features.subarray(p.next * width, (p.next + count) * width), filled * width);
      segments.push({ p, from: p.next, count, at: filled });
      p.by ??= by;
      p.next += count;
      filled += count;
    }
    this.#queuedRows -= filled;
    const timing = this.#options.timing;
    const started = timing?.nowUs() ?? 0;
    try {
      await this.#model.score(this.#input, filled, this.#output);
    } catch (error) {
      // Every request with a row in the failed call fails as a whole; the caller decides those without the model.
      for (const { p } of segments) {
        this.#queuedRows -= p.rows - p.next;
        p.next = p.rows;
        p.done = -1;
        p.reject(error);
      }
      this.#removeSettled();
      return;
    }
    if (timing !== undefined) timing.onModelCall(filled, timing.nowUs() - started);
    const challenged = await this.#challenge(filled);
    for (const { p, from, count, at } of segments) {
      if (p.done < 0) continue;
      p.out.set(this.#output.subarray(at, at + count), from);
      if (p.challengerOut !== undefined) {
        if (challenged) p.challengerOut.set(this.#challengerOutput.subarray(at, at + count), from);
        else p.challengerOut.fill(NaN, from, from + count);
      }
      p.done += count;
      if (p.done === p.rows) p.resolve(p.by!);
    }
    this.#removeSettled();
  }

  /**
   * The challenger over the same input, after the champion: whatever it does, the champion's scores stand. A
   * failure or an overrun pauses it for a while. Returns whether its scores are in `#challengerOutput`.
   */
  async #challenge(rows: number): Promise<boolean> {
    const challenger = this.#challenger;
    if (challenger === null) return false;
    const timing = this.#options.timing;
    if (this.#challengerPausedFor > 0) {
      this.#challengerPausedFor--;
      timing?.onChallengerCall?.('paused', rows, 0);
      return false;
    }
    const started = timing?.nowUs() ?? 0;
    let outcome: ChallengerOutcome = 'scored';
    try {
      await challenger.score(this.#input, rows, this.#challengerOutput);
    } catch {
      outcome = 'failed';
    }
    const micros = timing === undefined ? 0 : timing.nowUs() - started;
    if (outcome === 'scored' && micros > (this.#options.challengerBudgetUs ?? DEFAULT_CHALLENGER_BUDGET_US))
      outcome = 'slow';
    if (outcome !== 'scored') this.#challengerPausedFor = this.#options.challengerPauseCalls ?? 1000;
    timing?.onChallengerCall?.(outcome, rows, micros);
    // A slow call's scores are still good: they are kept; only the next calls are skipped.
    return outcome !== 'failed';
  }

  #removeSettled(): void {
    let w = 0;
    for (const p of this.#queue) if (p.done >= 0 && p.done < p.rows) this.#queue[w++] = p;
    this.#queue.length = w;
  }

  /** Stops the pending timer; queued requests are still answered by a drain already under way. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
