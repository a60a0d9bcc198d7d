import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import type { FeatureSpec } from '../core/features/feature-spec.ts';
import { FeatureState } from '../core/features/feature-state.ts';
import { isValidationError, validateTransaction } from '../core/validate.ts';
import { float32Text } from './float-text.ts';

export interface ReplayCounts {
  rows: number;
  frauds: number;
  /** Transactions the scorer would dead-letter, by validation code; they get no row. */
  skipped: Record<string, number>;
  labels: number;
  duplicateLabels: number;
}

/**
 * The state a single scorer would hold, fed in the order it would see things: every label reported at or
 * before a transaction's event time is applied before that transaction (`applyLabel`), then the transaction
 * goes through validation and the one feature extractor. Pure apart from its own state.
 */
export class FeatureReplay {
  readonly header: string;
  readonly counts: ReplayCounts = { rows: 0, frauds: 0, skipped: {}, labels: 0, duplicateLabels: 0 };
  readonly #state: FeatureState;
  readonly #row: Float32Array;

  constructor(spec: FeatureSpec) {
    this.#state = new FeatureState(spec);
    this.#row = new Float32Array(this.#state.width);
    const names = spec.features.map((f) => f.name);
    this.header = `transaction_id,event_time,card_id,${names.join(',')},is_fraud,scenario\n`;
  }

  /** What the labels consumer of a scorer does with a fraud report. */
  applyLabel(label: Label): void {
    if (this.#state.applyLabel(label)) this.counts.labels++;
    else this.counts.duplicateLabels++;
  }

  /** The CSV line of `tx` (with its ground truth), or undefined if the scorer would reject it. */
  line(tx: Transaction, isFraud: boolean, scenario: string | null): string | undefined {
    try {
      validateTransaction(tx, tx.eventTime);
    } catch (error) {
      if (!isValidationError(error)) throw error;
      this.counts.skipped[error.code] = (this.counts.skipped[error.code] ?? 0) + 1;
      return undefined;
    }
    const row = this.#row;
    this.#state.extract(tx, row, 0);
    let line = `${csvField(tx.transactionId)},${tx.eventTime},${csvField(tx.cardId)}`;
    for (let i = 0; i < row.length; i++) line += `,${float32Text(row[i]!)}`;
    line += `,${isFraud ? 1 : 0},${scenario === null ? '' : csvField(scenario)}\n`;
    this.counts.rows++;
    if (isFraud) this.counts.frauds++;
    return line;
  }
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
