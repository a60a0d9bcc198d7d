import type { ModelPort } from '../model-port.ts';

interface Pending {
  features: Float32Array;
  rows: number;
  out: Float32Array;
  /** Next row of this request not yet handed to the model. */
  next: number;
  /** Rows scored so far. */
  done: number;
  resolve: () => void;
  reject: (error: unknown) => void;
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
  };
}

/**
 * Gathers feature rows from concurrent callers (one per partition being worked on) into model calls of up to
 * `maxRows` rows, run one at a time: `run()` blocks the event loop, so small calls keep the stalls short.
 */
export class MicroBatcher {
  readonly #model: ModelPort;
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
  }

  /** Scores `rows` row-major feature rows into `out[0..rows)`; rejects if a model call that held them failed. */
  score(features: Float32Array, rows: number, out: Float32Array): Promise<void> {
    if (rows === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ features, rows, out, next: 0, done: 0, resolve, reject });
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

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0) await this.#runOnce();
    } finally {
      this.#running = false;
    }
  }

  async #runOnce(): Promise<void> {
    const width = this.#width;
    const segments: { p: Pending; from: number; count: number; at: number }[] = [];
    let filled = 0;
    for (const p of this.#queue) {
      if (filled === this.#options.maxRows) break;
      const count = Math.min(p.rows - p.next, this.#options.maxRows - filled);
      if (count === 0) continue;
      this.#input.set(p.features.subarray(p.next * width, (p.next + count) * width), filled * width);
      segments.push({ p, from: p.next, count, at: filled });
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
    for (const { p, from, count, at } of segments) {
      if (p.done < 0) continue;
      p.out.set(this.#output.subarray(at, at + count), from);
      p.done += count;
      if (p.done === p.rows) p.resolve();
    }
    this.#removeSettled();
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
