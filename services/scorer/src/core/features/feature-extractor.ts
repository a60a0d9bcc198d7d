import type { Transaction } from '../../../../../schemas/src/types.ts';
import { updateCardFeatures } from './card-features.ts';
import type { CardStore } from './card-store.ts';
import { channelIndex, NO_CHANNEL } from './channel.ts';
import { FEATURE_COUNT, FEATURE_INDEX as F } from './feature-names.ts';
import { DAY_MS, HOUR_MS } from './feature-params.ts';
import { checkFeatureSpec } from './feature-spec.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { mccRiskGroup } from './mcc-risk.ts';
import { DEFAULT_OWNER } from './terminal-aggregate.ts';
import type { TerminalAggregate } from './terminal-aggregate.ts';
import { FeatureError } from '../../errors.ts';

export interface FeatureExtractorOptions {
  /** State of the cards of the partitions this extractor serves. */
  cards: CardStore;
  /** Shared by every extractor of the process (terminal windows are global). */
  terminals: TerminalAggregate;
  /** Owner (input partition) a transaction's terminal count is owned by when `extract` names none. Default 0. */
  owner?: number;
}

/**
 * Turns a validated transaction into its feature row (order: `FEATURE_NAMES`) and folds it into the state.
 * The one feature code path: the streaming scorer and the training export both call `extract`.
 * Not reentrant (a scratch array is reused); create one per partition or per thread.
 */
export class FeatureExtractor {
  readonly width = FEATURE_COUNT;
  readonly specVersion: string;
  readonly #cards: CardStore;
  readonly #terminals: TerminalAggregate;
  readonly #owner: number;
  readonly #terminalCounts: Float64Array;

  constructor(spec: FeatureSpec, options: FeatureExtractorOptions) {
    checkFeatureSpec(spec);
    const { terminals } = options;
    if (
      terminals.labelDelayDays !== spec.labelDelayDays ||
      terminals.windowsDays.join(',') !== spec.windowsDays.join(',')
    ) {
      throw new FeatureError('SPEC_MISMATCH', 'the terminal aggregate was built with other windows than the spec');
    }
    this.specVersion = spec.version;
    this.#cards = options.cards;
    this.#terminals = terminals;
    this.#owner = options.owner ?? DEFAULT_OWNER;
    this.#terminalCounts = new Float64Array(2 * spec.windowsDays.length);
  }

  /**
   * Writes the row of `tx` into `out[offset .. offset + width)` and updates card and terminal state, counting
   * `tx` at its terminal as a transaction of `owner` (the input partition it came from).
   */
  extract(tx: Transaction, out: Float32Array, offset = 0, owner = this.#owner): void {
    const t = tx.eventTime;
    out[offset + F.amount] = tx.amountMinor / 100;
    // 1970-01-01 was a Thursday: day 0 has weekday 4 (Sunday = 0).
    const weekday = (Math.floor(t / DAY_MS) + 4) % 7;
    out[offset + F.is_weekend] = weekday === 0 || weekday === 6 ? 1 : 0;
    out[offset + F.is_night] = Math.floor(t / HOUR_MS) % 24 <= 6 ? 1 : 0;

    // An absent context field makes the features that read it NaN ("not told", not 0): the model has a branch
    // for it. NO_CHANNEL (-1) is neither physical nor card-not-present.
    const channel = tx.channel === null ? NO_CHANNEL : channelIndex(tx.channel);
    for (let i = 0; i < 5; i++) {
      out[offset + F.channel_card_present + i] = channel === NO_CHANNEL ? NaN : i === channel ? 1 : 0;
    }
    out[offset + F.mcc_risk_group] = tx.mcc === null ? NaN : mccRiskGroup(tx.mcc);

    const counts = this.#terminalCounts;
    this.#terminals.observe(tx.terminalId, t, owner, counts);
    out[offset + F.terminal_tx_count_1d] = counts[0]!;
    out[offset + F.terminal_risk_1d] = risk(counts[1]!, counts[0]!);
    out[offset + F.terminal_tx_count_7d] = counts[2]!;
    out[offset + F.terminal_risk_7d] = risk(counts[3]!, counts[2]!);
    out[offset + F.terminal_tx_count_30d] = counts[4]!;
    out[offset + F.terminal_risk_30d] = risk(counts[5]!, counts[4]!);

    updateCardFeatures(this.#cards, tx, channel, out, offset, owner);
  }
}

/** Frauds over transactions, 0 without transactions; capped at 1 in case labels outnumber the counted traffic. */
function risk(frauds: number, txs: number): number {
  return txs === 0 ? 0 : Math.min(frauds / txs, 1);
}
