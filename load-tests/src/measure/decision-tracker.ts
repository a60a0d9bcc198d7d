import type { LatencyRecorder } from '../generator/open-loop-sender.ts';

export interface TrackerCounts {
  readonly expected: number;
  readonly sent: number;
  /** Distinct transactions with at least one output. */
  readonly decided: number;
  /** Sent, no output (yet). */
  readonly missing: number;
  /** Outputs beyond the first for a transaction. */
  readonly duplicates: number;
  /** Decided transactions whose intended time is after the warm-up: what the histogram holds. */
  readonly measured: number;
  /** Epoch µs of the first and last output of a measured transaction (0 when none). */
  readonly firstMeasuredUs: number;
  readonly lastMeasuredUs: number;
}

/**
 * One phase's bookkeeping: which transactions were sent and when they were meant to be, which have an output,
 * and the latency from the intended send time to the output's consumption. Pure: the Kafka consumer and the
 * generator feed it.
 */
export class DecisionTracker {
  readonly #bySeq: Map<string, number>;
  readonly #intendedUs: Float64Array;
  readonly #sentFlags: Uint8Array;
  readonly #seenFlags: Uint8Array;
  readonly #measureFromUs: number;
  readonly #latency: LatencyRecorder;
  #sent = 0;
  #decided = 0;
  #duplicates = 0;
  #measured = 0;
  #firstMeasuredUs = 0;
  #lastMeasuredUs = 0;

  /**
   * `intendedUs[i]` is the intended send time of `transactionIds[i]`; outputs of transactions intended before
   * `measureFromUs` (the warm-up) are counted but not recorded.
   */
  constructor(
    transactionIds: readonly string[],
    intendedUs: Float64Array,
    measureFromUs: number,
    latency: LatencyRecorder,
  ) {
    if (transactionIds.length !== intendedUs.length) throw new RangeError('one intended time per transaction');
    this.#bySeq = new Map(transactionIds.map((id, i) => [id, i]));
    if (this.#bySeq.size !== transactionIds.length) throw new RangeError('transaction ids must be unique');
    this.#intendedUs = intendedUs;
    this.#sentFlags = new Uint8Array(transactionIds.length);
    this.#seenFlags = new Uint8Array(transactionIds.length);
    this.#measureFromUs = measureFromUs;
    this.#latency = latency;
  }

  get ids(): IterableIterator<string> {
    return this.#bySeq.keys();
  }

  has(transactionId: string): boolean {
    return this.#bySeq.has(transactionId);
  }

  markSent(seq: number): void {
    if (this.#sentFlags[seq] === 0) {
      this.#sentFlags[seq] = 1;
      this.#sent++;
    }
  }

  /** An output for `transactionId`, consumed at `atUs`; false if the id is not this phase's. */
  consumed(transactionId: string, atUs: number): boolean {
    const seq = this.#bySeq.get(transactionId);
    if (seq === undefined) return false;
    if (this.#seenFlags[seq] === 1) {
      this.#duplicates++;
      return true;
    }
    this.#seenFlags[seq] = 1;
    this.#decided++;
    const intended = this.#intendedUs[seq]!;
    if (intended >= this.#measureFromUs) {
      this.#latency.record(atUs - intended);
      this.#measured++;
      if (this.#firstMeasuredUs === 0) this.#firstMeasuredUs = atUs;
      if (atUs > this.#lastMeasuredUs) this.#lastMeasuredUs = atUs;
    }
    return true;
  }

  /** Every sent transaction has its output. */
  get complete(): boolean {
    return this.#decided >= this.#sent;
  }

  counts(): TrackerCounts {
    return {
      expected: this.#intendedUs.length,
      sent: this.#sent,
      decided: this.#decided,
      missing: this.#sent - this.#countSentAndSeen(),
      duplicates: this.#duplicates,
      measured: this.#measured,
      firstMeasuredUs: this.#firstMeasuredUs,
      lastMeasuredUs: this.#lastMeasuredUs,
    };
  }

  #countSentAndSeen(): number {
    let n = 0;
    for (let i = 0; i < this.#sentFlags.length; i++) n += this.#sentFlags[i]! & this.#seenFlags[i]!;
    return n;
  }
}
