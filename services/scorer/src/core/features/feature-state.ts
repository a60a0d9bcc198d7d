import type { Label, Transaction } from '../../../../../schemas/src/types.ts';
import { CardStore } from './card-store.ts';
import { FeatureExtractor } from './feature-extractor.ts';
import { DAY_MS } from './feature-params.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { DEFAULT_OWNER, TerminalAggregate } from './terminal-aggregate.ts';

export interface FeatureStateOptions {
  cards?: CardStore;
  terminals?: TerminalAggregate;
  /**
   * Cards looked at by the idle sweep per transaction while a sweep is under way (one starts per new event
   * day). Default 256: a few microseconds a transaction, a pass over a million cards in about 4,000.
   */
  sweepStep?: number;
  /** Remember which cards each partition's transactions changed, for a changelog (`takeChangedCards`). */
  trackChanges?: boolean;
}

const DEFAULT_SWEEP_STEP = 256;

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
  readonly #sweepStep: number;
  #sweptDay = 0;
  /** Per input partition, the cards its transactions changed since the last `takeChangedCards`; undefined: off. */
  readonly #changed: Map<number, Set<string>> | undefined;

  /**
   * `options` may still be a string (the per-instance source name of before terminal counts were owned by
   * input partitions); it is ignored.
   */
  constructor(spec: FeatureSpec, options?: FeatureStateOptions | string) {
    const o = typeof options === 'string' ? {} : (options ?? {});
    this.cards = o.cards ?? new CardStore();
    this.terminals = o.terminals ?? new TerminalAggregate();
    this.#sweepStep = o.sweepStep ?? DEFAULT_SWEEP_STEP;
    if (!(this.#sweepStep >= 1)) throw new RangeError(`sweepStep must be at least 1, got ${this.#sweepStep}`);
    this.#extractor = new FeatureExtractor(spec, { cards: this.cards, terminals: this.terminals });
    this.width = this.#extractor.width;
    this.#changed = o.trackChanges === true ? new Map() : undefined;
  }

  /**
   * Writes the row of a validated `tx` into `out[offset..offset+width)` and folds `tx` into the state; its
   * terminal count is owned by `partition`, the input partition it came from (one source for a replay).
   */
  extract(tx: Transaction, out: Float32Array, offset: number, partition: number = DEFAULT_OWNER): void {
    const day = Math.floor(tx.eventTime / DAY_MS);
    if (day > this.#sweptDay) {
      this.#sweptDay = day;
      this.cards.evictIdleStep(tx.eventTime, this.#sweepStep);
    } else if (this.cards.sweeping) {
      // Memory only, in small steps so no call stalls: the store also clears an idle card at its next
      // transaction, so features do not depend on when the sweep gets to a card.
      this.cards.evictIdleStep(tx.eventTime, this.#sweepStep);
    }
    this.#extractor.extract(tx, out, offset, partition);
    if (this.#changed !== undefined) {
      let cards = this.#changed.get(partition);
      if (cards === undefined) this.#changed.set(partition, (cards = new Set()));
      cards.add(tx.cardId);
    }
  }

  /**
   * Hands the current state record of each card `partition`'s transactions changed since the last call to
   * `visit` (a copy: for a changelog record), and forgets them. Returns how many.
   */
  takeChangedCards(partition: number, visit: (cardId: string, state: Uint8Array) => void): number {
    const cards = this.#changed?.get(partition);
    if (cards === undefined || cards.size === 0) return 0;
    this.#changed!.delete(partition);
    let n = 0;
    for (const cardId of cards) {
      const state = this.cards.exportCard(cardId);
      if (state === undefined) continue;
      visit(cardId, state);
      n++;
    }
    return n;
  }

  /** Drops the state of `partition`'s cards (revoked, or about to be restored); the terminal counts stay. */
  dropPartition(partition: number): void {
    this.#changed?.delete(partition);
    this.cards.dropPartition(partition);
  }

  /** A fraud report; false when it was seen before (labels may be delivered twice). */
  applyLabel(label: Label): boolean {
    const fresh = this.terminals.addLabel(label);
    this.cards.markFraudReported(label.cardId, label.reportedAt);
    return fresh;
  }
}
