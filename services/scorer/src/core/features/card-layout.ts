import { DEVICE_SLOTS, MCC_SLOTS, RECENT_TERMINAL_SLOTS, RECENT_TX_SLOTS } from './feature-params.ts';

/**
 * The fixed byte layout of one card's state record. Records sit side by side in pages, each page viewed as
 * Float64/Uint32/Uint16/Uint8 arrays, so every field below is an offset in units of its own view's element
 * (`*_F64` in 8-byte units, `*_U32` in 4-byte units, ...). `exportCard` ships these bytes as they are; bump
 * `CARD_LAYOUT_VERSION` whenever the layout changes.
 */
export const CARD_LAYOUT_VERSION = 1;

export const DAY_BUCKETS = 30;
export const HOUR_BUCKETS = 24;

// Float64: times in epoch ms, positions in km, sums in minor units (exact integers).
export const LAST_TIME_F64 = 0;
export const LAST_PHYS_TIME_F64 = 1;
export const LAST_PHYS_X_F64 = 2;
export const LAST_PHYS_Y_F64 = 3;
/** Earliest reportedAt of a fraud label on this card; 0 = none. */
export const FRAUD_REPORTED_AT_F64 = 4;
export const DAY_SUM_F64 = 5;
export const HOUR_SUM_F64 = DAY_SUM_F64 + DAY_BUCKETS;
const F64_END_BYTES = (HOUR_SUM_F64 + HOUR_BUCKETS) * 8;

// Uint32: times in epoch seconds (0 = empty slot), 32-bit string hashes (0 = empty slot).
export const RECENT_SEC_U32 = F64_END_BYTES / 4;
export const TERMINAL_HASH_U32 = RECENT_SEC_U32 + RECENT_TX_SLOTS;
export const TERMINAL_SEEN_SEC_U32 = TERMINAL_HASH_U32 + RECENT_TERMINAL_SLOTS;
export const DEVICE_HASH_U32 = TERMINAL_SEEN_SEC_U32 + RECENT_TERMINAL_SLOTS;
/** When the card first used each remembered device. */
export const DEVICE_FIRST_SEC_U32 = DEVICE_HASH_U32 + DEVICE_SLOTS;
const U32_END_BYTES = (DEVICE_FIRST_SEC_U32 + DEVICE_SLOTS) * 4;

// Uint16: counts saturate at 65535; MCCs are stored plus one so that 0 means empty.
export const DAY_COUNT_U16 = U32_END_BYTES / 2;
export const HOUR_COUNT_U16 = DAY_COUNT_U16 + DAY_BUCKETS;
export const MCC_U16 = HOUR_COUNT_U16 + HOUR_BUCKETS;
export const LAST_COUNTRY_U16 = MCC_U16 + MCC_SLOTS;
const U16_END_BYTES = (LAST_COUNTRY_U16 + 1) * 2;

// Uint8
export const RECENT_FLAGS_U8 = U16_END_BYTES;
export const CHANNEL_MASK_U8 = RECENT_FLAGS_U8 + RECENT_TX_SLOTS;
export const RECENT_NEXT_U8 = CHANNEL_MASK_U8 + 1;
export const DEVICE_NEXT_U8 = RECENT_NEXT_U8 + 1;
export const MCC_NEXT_U8 = DEVICE_NEXT_U8 + 1;
export const STATE_FLAGS_U8 = MCC_NEXT_U8 + 1;
export const VERSION_U8 = STATE_FLAGS_U8 + 1;
const U8_END_BYTES = VERSION_U8 + 1;

/** Bytes per card record, rounded up so Float64 fields of the next record stay aligned. */
export const CARD_RECORD_BYTES = Math.ceil(U8_END_BYTES / 8) * 8;

/** `STATE_FLAGS_U8` bits. */
export const HAS_PREV = 1;
export const HAS_PHYS = 2;

/** `RECENT_FLAGS_U8` bits. */
export const RECENT_CNP_SMALL = 1;
