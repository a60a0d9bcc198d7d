import { ACTIONS } from '../../../../../schemas/src/types.ts';
import type { Action } from '../../../../../schemas/src/types.ts';

export type FailMode = 'fail-open' | 'fail-closed';

export interface Thresholds {
  /** Scores at or above this are reviewed. */
  readonly review: number;
  /** Scores at or above this are declined. */
  readonly decline: number;
}

export interface PolicyConfig {
  /** From the model's metadata. */
  readonly thresholds: Thresholds;
  /**
   * Hard rule: the least action for a card with a fraud report (`card_fraud_reported`). DECLINE where reported
   * cards are blocked; APPROVE turns the rule off (the simulator keeps using reported cards for genuine spending).
   */
  readonly reportedCardAction: Action;
  /** Hard rule: amounts above this, in major units, are at least reviewed. `Infinity` turns it off. */
  readonly amountLimit: number;
  /** Without the model: approve unless a rule fires (open), or review unless clearly safe (closed). */
  readonly failMode: FailMode;
  /** Fail-closed approves at most this amount, in major units, and only with no risk signal. */
  readonly safeAmount: number;
}

/** Throws a RangeError naming the first bad field; call it when the config is compiled. */
export function validatePolicyConfig(config: PolicyConfig): void {
  const { review, decline } = config.thresholds;
  if (!(review >= 0 && review <= 1)) throw new RangeError(`thresholds.review must be in [0, 1], got ${review}`);
  if (!(decline >= review && decline <= 1)) {
    throw new RangeError(`thresholds.decline must be in [review, 1] = [${review}, 1], got ${decline}`);
  }
  if (!ACTIONS.includes(config.reportedCardAction)) {
    throw new RangeError(
      `reportedCardAction must be one of ${ACTIONS.join(', ')}, got ${String(config.reportedCardAction)}`,
    );
  }
  if (!(config.amountLimit > 0)) throw new RangeError(`amountLimit must be positive, got ${config.amountLimit}`);
  if (config.failMode !== 'fail-open' && config.failMode !== 'fail-closed') {
    throw new RangeError(`failMode must be fail-open or fail-closed, got ${String(config.failMode)}`);
  }
  if (!(config.safeAmount >= 0)) throw new RangeError(`safeAmount must be non-negative, got ${config.safeAmount}`);
}
