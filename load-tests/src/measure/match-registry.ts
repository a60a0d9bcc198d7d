import type { DecisionTracker } from './decision-tracker.ts';

/**
 * Routes each output consumed from one target's output topic to the phase that sent its transaction. A phase
 * stays registered after it ends, so a straggler still counts (as late, or as a duplicate) where it belongs.
 */
export class MatchRegistry {
  readonly #owner = new Map<string, DecisionTracker>();
  #unknown = 0;
  #consumed = 0;

  register(tracker: DecisionTracker): void {
    for (const id of tracker.ids) {
      if (this.#owner.has(id)) throw new RangeError(`transaction ${id} is already registered with another phase`);
      this.#owner.set(id, tracker);
    }
  }

  consumed(transactionId: string, atUs: number): void {
    this.#consumed++;
    const tracker = this.#owner.get(transactionId);
    if (tracker === undefined || !tracker.consumed(transactionId, atUs)) this.#unknown++;
  }

  /** Outputs consumed so far, and those that match no transaction sent in this invocation. */
  get totals(): { consumed: number; unknown: number } {
    return { consumed: this.#consumed, unknown: this.#unknown };
  }
}
