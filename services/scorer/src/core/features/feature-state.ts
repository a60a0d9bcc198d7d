import type { Label, Transaction } from '../../../../../schemas/src/types.ts';
import { CardStore } from './card-store.ts';
import { FeatureExtractor } from './feature-extractor.ts';
import { DAY_MS } from './feature-params.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { TerminalAggregate } from './terminal-aggregate.ts';

/**
 * The feature state one scorer holds and the two things that change it: a transaction (its row is extracted and
 * folded in) and a fraud report. The streaming scorer and the training export both go through this class, so
 * training sees exactly what serving computes.
 */
export class FeatureState {
  readonly cards: CardStore;
  readonly terminals: TerminalAggregate;
  readonly width: number;
  readonly #extractor: FeatureExtractor;
  #sweptDay = 0;

  constructor(spec: FeatureSpec, source: string, options?: { cards?: CardStore; terminals?: TerminalAggregate }) {
    this.cards = options?.cards ?? new CardStore();
    this.terminals = options?.terminals ?? new TerminalAggregate();
    this.#extractor = new FeatureExtractor(spec, { cards: this.cards, terminals: this.terminals, source });
    this.width = this.#extractor.width;
  }

  /** Writes the row of a validated `tx` into `out[offset..offset+width)` and folds `tx` into the state. */
  extract(tx: Transaction, out: Float32Array, offset: number): void {
    const day = Math.floor(tx.eventTime / DAY_MS);
    if (day > this.#sweptDay) {
      // Memory only: features do not depend on when idle cards are swept.
      this.cards.evictIdle(tx.eventTime);
      this.#sweptDay = day;
    }
    this.#extractor.extract(tx, out, offset);
  }

  /** A fraud report; false when it was seen before (labels may be delivered twice). */
  applyLabel(label: Label): boolean {
    const fresh = this.terminals.addLabel(label);
    this.cards.markFraudReported(label.cardId, label.reportedAt);
    return fresh;
  }
}
