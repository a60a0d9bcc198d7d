/**
 * The feature row, in order. `model/feature-spec.json` must list exactly these names in this order (checked at
 * start-up by `checkFeatureSpec`); training reads the order from that file, serving from here.
 */
export const FEATURE_NAMES = [
  'amount',
  'is_weekend',
  'is_night',
  'card_tx_count_1d',
  'card_mean_amount_1d',
  'card_tx_count_7d',
  'card_mean_amount_7d',
  'card_tx_count_30d',
  'card_mean_amount_30d',
  'terminal_tx_count_1d',
  'terminal_risk_1d',
  'terminal_tx_count_7d',
  'terminal_risk_7d',
  'terminal_tx_count_30d',
  'terminal_risk_30d',
  'seconds_since_prev_tx',
  'amount_over_card_mean_30d',
  'distance_from_prev_km',
  'speed_from_prev_kmh',
  'card_tx_count_1h',
  'card_cnp_small_count_1h',
  'card_distinct_terminals_24h',
  'channel_card_present',
  'channel_contactless',
  'channel_ecommerce',
  'channel_atm',
  'channel_moto',
  'channel_new_for_card',
  'device_new_for_card',
  'device_age_hours',
  'mcc_risk_group',
  'mcc_new_for_card',
  'country_changed',
  'card_fraud_reported',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Column of each feature in a row. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as Record<FeatureName, number>,
);
