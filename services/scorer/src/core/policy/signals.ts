import { FEATURE_INDEX as F } from '../features/feature-names.ts';
import { SECONDS_SINCE_PREV_CAP } from '../features/feature-params.ts';
import { SIGNAL_REASON_CODES, type ReasonCode } from './reason-codes.ts';

type SignalName = (typeof SIGNAL_REASON_CODES)[number];

/**
 * Risk signals read off a feature row: the features that explain a high score, and the rules that decide
 * alone when the model cannot. Bit flags (bit i is the i-th of `SIGNAL_REASON_CODES`), so evaluating them
 * allocates nothing.
 */
export const Signal = Object.freeze(
  Object.fromEntries(SIGNAL_REASON_CODES.map((name, bit) => [name, 1 << bit])) as Record<SignalName, number>,
);

/** Signals strong enough to send a transaction to review without the model. */
export const STRONG_SIGNALS = Signal.IMPOSSIBLE_TRAVEL | Signal.CARD_TESTING_BURST | Signal.RISKY_TERMINAL;

/** Limits of the signals; the simulator's fastest genuine trip is 800 km/h door to door. */
export const SIGNAL_LIMITS = {
  amountOverMean: 5,
  /** A device the card first used this recently still counts as new (account takeovers reuse theirs). */
  newDeviceHours: 24,
  travelKmh: 900,
  travelMinKm: 50,
  cardTestingProbes: 3,
  txPerHour: 6,
  terminalRisk7d: 0.2,
  terminalMinTx7d: 5,
  terminalRisk30d: 0.1,
  terminalMinTx30d: 10,
  categoryRiskGroup: 2,
} as const;

export function hasCardHistory(f: Float32Array, o: number): boolean {
  return f[o + F.seconds_since_prev_tx]! < SECONDS_SINCE_PREV_CAP;
}

export function signalsOf(f: Float32Array, o: number): number {
  const L = SIGNAL_LIMITS;
  const history = hasCardHistory(f, o);
  let s = 0;
  if (f[o + F.amount_over_card_mean_30d]! >= L.amountOverMean) s |= Signal.AMOUNT_FAR_ABOVE_CARD_MEAN;
  if (f[o + F.speed_from_prev_kmh]! > L.travelKmh && f[o + F.distance_from_prev_km]! >= L.travelMinKm) {
    s |= Signal.IMPOSSIBLE_TRAVEL;
  }
  if (f[o + F.device_new_for_card] === 1 || f[o + F.device_age_hours]! < L.newDeviceHours) s |= Signal.NEW_DEVICE;
  if (history && f[o + F.channel_new_for_card] === 1) s |= Signal.NEW_CHANNEL;
  if (f[o + F.card_cnp_small_count_1h]! >= L.cardTestingProbes) s |= Signal.CARD_TESTING_BURST;
  if (f[o + F.card_tx_count_1h]! >= L.txPerHour) s |= Signal.HIGH_VELOCITY;
  if (
    (f[o + F.terminal_risk_7d]! >= L.terminalRisk7d && f[o + F.terminal_tx_count_7d]! >= L.terminalMinTx7d) ||
    (f[o + F.terminal_risk_30d]! >= L.terminalRisk30d && f[o + F.terminal_tx_count_30d]! >= L.terminalMinTx30d)
  ) {
    s |= Signal.RISKY_TERMINAL;
  }
  if (history && f[o + F.mcc_new_for_card] === 1 && f[o + F.mcc_risk_group]! >= L.categoryRiskGroup) {
    s |= Signal.CATEGORY_SHIFT;
  }
  if (f[o + F.country_changed] === 1) s |= Signal.COUNTRY_CHANGE;
  return s;
}

export function pushSignalReasons(signals: number, reasons: ReasonCode[]): void {
  for (let bit = 0; bit < SIGNAL_REASON_CODES.length; bit++) {
    if ((signals & (1 << bit)) !== 0) reasons.push(SIGNAL_REASON_CODES[bit]!);
  }
}
