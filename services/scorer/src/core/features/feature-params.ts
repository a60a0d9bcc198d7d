/** The constants behind the feature definitions; `model/feature-spec.json` repeats them for training. */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Fraud reports are assumed complete this long after a transaction, so terminal windows end this far back. */
export const LABEL_DELAY_DAYS = 7;
export const WINDOWS_DAYS = [1, 7, 30] as const;

/** `seconds_since_prev_tx` for a card's first transaction and the cap for any gap: 30 days. */
export const SECONDS_SINCE_PREV_CAP = 30 * 86_400;
/** `device_age_hours` cap, also its value for a transaction without a device: 30 days. */
export const DEVICE_AGE_CAP_HOURS = 720;
/** `amount_over_card_mean_30d` cap (a prior mean of 0 with a positive amount hits it). */
export const AMOUNT_RATIO_CAP = 1000;
/** Implied speed divides by at least this many hours (one minute), so two swipes in one second stay finite. */
export const MIN_TRAVEL_HOURS = 1 / 60;
/** A card-not-present amount at or below this many minor units counts as a card-testing probe. */
export const SMALL_AMOUNT_MINOR = 500;

/** Fixed-size per-card structures; the counts they feed saturate at these sizes. */
export const RECENT_TX_SLOTS = 16;
export const RECENT_TERMINAL_SLOTS = 8;
export const DEVICE_SLOTS = 4;
export const MCC_SLOTS = 8;
