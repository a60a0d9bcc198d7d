/**
 * Reason codes on decisions. Stable strings: reviewers, dashboards and the authorisation system key on them,
 * so never rename one.
 */
/** The risk signals read off a feature row (`signals.ts`), in the order of their bits there. */
export const SIGNAL_REASON_CODES = [
  'AMOUNT_FAR_ABOVE_CARD_MEAN',
  'IMPOSSIBLE_TRAVEL',
  'NEW_DEVICE',
  'NEW_CHANNEL',
  'CARD_TESTING_BURST',
  'HIGH_VELOCITY',
  'RISKY_TERMINAL',
  /** A cash-out or resellable-goods category the card has not used recently. */
  'CATEGORY_SHIFT',
  'COUNTRY_CHANGE',
] as const;

export const REASON_CODES = [
  /** The model score reached the review or decline threshold. */
  'HIGH_MODEL_SCORE',
  /** Hard rule: a fraud on this card has already been reported. */
  'CARD_REPORTED_FRAUD',
  /** Hard rule: the amount is over the configured limit. */
  'AMOUNT_OVER_LIMIT',
  ...SIGNAL_REASON_CODES,
  /** Degraded decisions: the model was not used (failed, or the deadline passed). */
  'RULES_ONLY_FAIL_OPEN',
  'RULES_ONLY_FAIL_CLOSED',
  /** Fail-closed only: why a transaction with no risk signal still was not clearly safe. */
  'NO_CARD_HISTORY',
  'AMOUNT_ABOVE_SAFE_LIMIT',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
