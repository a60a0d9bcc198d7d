import type { Transaction } from '../../../../../schemas/src/types.ts';
import {
  CARD_RECORD_BYTES,
  CHANNEL_MASK_U8,
  DAY_BUCKETS,
  DAY_COUNT_U16,
  DAY_SUM_F64,
  FRAUD_REPORTED_AT_F64,
  HAS_PHYS,
  HAS_PREV,
  HOUR_BUCKETS,
  HOUR_COUNT_U16,
  HOUR_SUM_F64,
  LAST_COUNTRY_U16,
  LAST_PHYS_TIME_F64,
  LAST_PHYS_X_F64,
  LAST_PHYS_Y_F64,
  LAST_TIME_F64,
  RECENT_CNP_SMALL,
  RECENT_FLAGS_U8,
  RECENT_NEXT_U8,
  RECENT_SEC_U32,
  STATE_FLAGS_U8,
} from './card-layout.ts';
import { PAGE_MASK } from './card-store.ts';
import type { CardStore } from './card-store.ts';
import { isCardNotPresent, isPhysical, NO_CHANNEL } from './channel.ts';
import { FEATURE_INDEX as F } from './feature-names.ts';
import {
  AMOUNT_RATIO_CAP,
  DAY_MS,
  DEVICE_AGE_CAP_HOURS,
  HOUR_MS,
  MIN_TRAVEL_HOURS,
  RECENT_TX_SLOTS,
  SECONDS_SINCE_PREV_CAP,
  SMALL_AMOUNT_MINOR,
} from './feature-params.ts';
import { rememberDevice, rememberMcc, touchTerminal } from './card-recent-sets.ts';
import { hash32 } from './string-hash.ts';

const F64_PER_RECORD = CARD_RECORD_BYTES / 8;
const U32_PER_RECORD = CARD_RECORD_BYTES / 4;
const U16_PER_RECORD = CARD_RECORD_BYTES / 2;
const MAX_U16 = 0xffff;
const ECOMMERCE = 2;

/**
 * Folds `tx` into its card's state (owned by input `partition`) and writes the card features into `out` at `offset + FEATURE_INDEX[...]`.
 * A card's event time never goes backwards here: a record older than the card's last one is treated as if it
 * happened at that last time (partitions keep a card's records in order, so this is the rare producer glitch).
 */
export function updateCardFeatures(
  store: CardStore,
  tx: Transaction,
  channel: number,
  out: Float32Array,
  offset: number,
  partition = -1,
): void {
  const slot = store.acquire(tx.cardId, tx.eventTime, partition);
  const { f64, u32, u16, u8 } = store.pageOf(slot);
  const r = slot & PAGE_MASK;
  const b64 = r * F64_PER_RECORD;
  const b32 = r * U32_PER_RECORD;
  const b16 = r * U16_PER_RECORD;
  const b8 = r * CARD_RECORD_BYTES;

  const flags = u8[b8 + STATE_FLAGS_U8]!;
  const hasPrev = (flags & HAS_PREV) !== 0;
  const prevTime = f64[b64 + LAST_TIME_F64]!;
  const t = hasPrev && tx.eventTime < prevTime ? prevTime : tx.eventTime;
  const amount = tx.amountMinor;

  // Day buckets feed the 7/30-day windows (calendar days, UTC); hour buckets the rolling 24 hours.
  const day = Math.floor(t / DAY_MS);
  const hour = Math.floor(t / HOUR_MS);
  if (hasPrev) {
    clearBuckets(u16, f64, b16 + DAY_COUNT_U16, b64 + DAY_SUM_F64, DAY_BUCKETS, Math.floor(prevTime / DAY_MS), day);
    clearBuckets(
      u16,
      f64,
      b16 + HOUR_COUNT_U16,
      b64 + HOUR_SUM_F64,
      HOUR_BUCKETS,
      Math.floor(prevTime / HOUR_MS),
      hour,
    );
  }
  let count7 = 0;
  let sum7 = 0;
  let count30 = 0;
  let sum30 = 0;
  for (let back = 0; back < DAY_BUCKETS; back++) {
    const cell = (day - back) % DAY_BUCKETS;
    const c = u16[b16 + DAY_COUNT_U16 + cell]!;
    const s = f64[b64 + DAY_SUM_F64 + cell]!;
    count30 += c;
    sum30 += s;
    if (back < 7) {
      count7 += c;
      sum7 += s;
    }
  }
  let count1 = 0;
  let sum1 = 0;
  for (let cell = 0; cell < HOUR_BUCKETS; cell++) {
    count1 += u16[b16 + HOUR_COUNT_U16 + cell]!;
    sum1 += f64[b64 + HOUR_SUM_F64 + cell]!;
  }
  addToBucket(u16, f64, b16 + DAY_COUNT_U16, b64 + DAY_SUM_F64, day % DAY_BUCKETS, amount);
  addToBucket(u16, f64, b16 + HOUR_COUNT_U16, b64 + HOUR_SUM_F64, hour % HOUR_BUCKETS, amount);

  out[offset + F.card_tx_count_1d] = count1 + 1;
  out[offset + F.card_mean_amount_1d] = (sum1 + amount) / (count1 + 1) / 100;
  out[offset + F.card_tx_count_7d] = count7 + 1;
  out[offset + F.card_mean_amount_7d] = (sum7 + amount) / (count7 + 1) / 100;
  out[offset + F.card_tx_count_30d] = count30 + 1;
  out[offset + F.card_mean_amount_30d] = (sum30 + amount) / (count30 + 1) / 100;
  out[offset + F.amount_over_card_mean_30d] = amountRatio(amount, count30, sum30);
  out[offset + F.seconds_since_prev_tx] = hasPrev
    ? Math.min((t - prevTime) / 1000, SECONDS_SINCE_PREV_CAP)
    : SECONDS_SINCE_PREV_CAP;

  // Last hour: the 16 most recent transactions, second resolution, window (t - 1h, t].
  const tSec = Math.floor(t / 1000);
  const cnp = isCardNotPresent(channel);
  const next = u8[b8 + RECENT_NEXT_U8]!;
  u32[b32 + RECENT_SEC_U32 + next] = tSec;
  u8[b8 + RECENT_FLAGS_U8 + next] = cnp && amount <= SMALL_AMOUNT_MINOR ? RECENT_CNP_SMALL : 0;
  u8[b8 + RECENT_NEXT_U8] = (next + 1) % RECENT_TX_SLOTS;
  let count1h = 0;
  let small1h = 0;
  for (let i = 0; i < RECENT_TX_SLOTS; i++) {
    const sec = u32[b32 + RECENT_SEC_U32 + i]!;
    if (sec !== 0 && sec > tSec - 3600) {
      count1h++;
      small1h += u8[b8 + RECENT_FLAGS_U8 + i]! & RECENT_CNP_SMALL;
    }
  }
  out[offset + F.card_tx_count_1h] = count1h;
  const told = channel !== NO_CHANNEL;
  out[offset + F.card_cnp_small_count_1h] = told ? small1h : NaN;
  out[offset + F.card_distinct_terminals_24h] = touchTerminal(u32, b32, hash32(tx.terminalId), tSec);

  if (told) {
    const channelBit = 1 << channel;
    const channelMask = u8[b8 + CHANNEL_MASK_U8]!;
    out[offset + F.channel_new_for_card] = (channelMask & channelBit) === 0 ? 1 : 0;
    u8[b8 + CHANNEL_MASK_U8] = channelMask | channelBit;
  } else out[offset + F.channel_new_for_card] = NaN;

  // E-commerce without a device fingerprint counts as an unseen device; mail and phone orders never have one.
  // With neither a channel nor a device nothing is known of the device.
  let deviceNew = told ? (channel === ECOMMERCE ? 1 : 0) : NaN;
  let deviceAge = told ? DEVICE_AGE_CAP_HOURS : NaN;
  if (tx.deviceId !== null && tx.deviceId.length > 0) {
    const firstSec = rememberDevice(u32, u8, b32, b8, hash32(tx.deviceId), tSec);
    deviceNew = firstSec === tSec ? 1 : 0;
    deviceAge = Math.min((tSec - firstSec) / 3600, DEVICE_AGE_CAP_HOURS);
  }
  out[offset + F.device_new_for_card] = deviceNew;
  out[offset + F.device_age_hours] = deviceAge;
  out[offset + F.mcc_new_for_card] = tx.mcc === null ? NaN : rememberMcc(u16, u8, b16, b8, tx.mcc + 1) ? 0 : 1;

  // 0 is no country yet (two letters A-Z never encode to 0): a card's first country, told after transactions
  // without one, is no change.
  if (tx.terminalCountry !== null) {
    const country = (tx.terminalCountry.charCodeAt(0) << 8) | tx.terminalCountry.charCodeAt(1);
    const last = u16[b16 + LAST_COUNTRY_U16]!;
    out[offset + F.country_changed] = last !== 0 && last !== country ? 1 : 0;
    u16[b16 + LAST_COUNTRY_U16] = country;
  } else out[offset + F.country_changed] = NaN;

  // Distance needs the channel (0 for card not present) and, card present, the position; a transaction without
  // them is NaN and leaves the card's last position as it was.
  const physical = told && isPhysical(channel);
  const positioned = tx.terminalX !== null && tx.terminalY !== null;
  let distance = told && (!physical || positioned) ? 0 : NaN;
  let speed = distance;
  let newFlags = flags | HAS_PREV;
  if (physical && positioned) {
    if ((flags & HAS_PHYS) !== 0) {
      const dx = tx.terminalX! - f64[b64 + LAST_PHYS_X_F64]!;
      const dy = tx.terminalY! - f64[b64 + LAST_PHYS_Y_F64]!;
      distance = Math.sqrt(dx * dx + dy * dy);
      speed = distance / Math.max((t - f64[b64 + LAST_PHYS_TIME_F64]!) / HOUR_MS, MIN_TRAVEL_HOURS);
    }
    f64[b64 + LAST_PHYS_X_F64] = tx.terminalX!;
    f64[b64 + LAST_PHYS_Y_F64] = tx.terminalY!;
    f64[b64 + LAST_PHYS_TIME_F64] = t;
    newFlags |= HAS_PHYS;
  }
  out[offset + F.distance_from_prev_km] = distance;
  out[offset + F.speed_from_prev_kmh] = speed;

  const reportedAt = f64[b64 + FRAUD_REPORTED_AT_F64]!;
  out[offset + F.card_fraud_reported] = reportedAt !== 0 && reportedAt <= tx.eventTime ? 1 : 0;

  f64[b64 + LAST_TIME_F64] = t;
  u8[b8 + STATE_FLAGS_U8] = newFlags;
}

/** Zeroes the buckets of the periods after `from` up to `to`, at most one full ring. */
function clearBuckets(
  counts: Uint16Array,
  sums: Float64Array,
  countBase: number,
  sumBase: number,
  buckets: number,
  from: number,
  to: number,
): void {
  const n = Math.min(to - from, buckets);
  for (let i = 1; i <= n; i++) {
    const cell = (from + i) % buckets;
    counts[countBase + cell] = 0;
    sums[sumBase + cell] = 0;
  }
}

function addToBucket(
  counts: Uint16Array,
  sums: Float64Array,
  countBase: number,
  sumBase: number,
  cell: number,
  amount: number,
): void {
  const c = counts[countBase + cell]!;
  if (c < MAX_U16) counts[countBase + cell] = c + 1;
  sums[sumBase + cell] = sums[sumBase + cell]! + amount;
}

/** The amount over the mean of the card's earlier transactions in the 30-day window; 1 without history. */
function amountRatio(amount: number, priorCount: number, priorSum: number): number {
  if (priorCount === 0) return 1;
  if (priorSum === 0) return amount === 0 ? 1 : AMOUNT_RATIO_CAP;
  return Math.min((amount * priorCount) / priorSum, AMOUNT_RATIO_CAP);
}
