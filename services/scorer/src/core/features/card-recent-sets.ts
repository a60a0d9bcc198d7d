import {
  DEVICE_FIRST_SEC_U32,
  DEVICE_HASH_U32,
  DEVICE_NEXT_U8,
  MCC_NEXT_U8,
  MCC_U16,
  TERMINAL_HASH_U32,
  TERMINAL_SEEN_SEC_U32,
} from './card-layout.ts';
import { DEVICE_SLOTS, MCC_SLOTS, RECENT_TERMINAL_SLOTS } from './feature-params.ts';

// Small fixed-size sets inside a card record (`b32`, `b16`, `b8`: the record's base in each view). Hashes and
// MCCs are never 0, so 0 marks an empty slot.

/** Notes the terminal in the card's small LRU and returns how many of its terminals were used in 24 hours. */
export function touchTerminal(u32: Uint32Array, b32: number, terminal: number, tSec: number): number {
  let target = -1;
  let oldest = -1;
  let oldestSec = Infinity;
  for (let i = 0; i < RECENT_TERMINAL_SLOTS; i++) {
    if (u32[b32 + TERMINAL_HASH_U32 + i] === terminal) {
      target = i;
      break;
    }
    const sec = u32[b32 + TERMINAL_SEEN_SEC_U32 + i]!;
    if (sec < oldestSec) {
      oldestSec = sec;
      oldest = i;
    }
  }
  if (target < 0) {
    target = oldest;
    u32[b32 + TERMINAL_HASH_U32 + target] = terminal;
  }
  u32[b32 + TERMINAL_SEEN_SEC_U32 + target] = tSec;
  let distinct = 0;
  for (let i = 0; i < RECENT_TERMINAL_SLOTS; i++) {
    const sec = u32[b32 + TERMINAL_SEEN_SEC_U32 + i]!;
    if (sec !== 0 && sec > tSec - 86_400) distinct++;
  }
  return distinct;
}

/**
 * When the card first used the device (epoch seconds), if it is among the card's last few; otherwise
 * remembers it as first used at `tSec`, dropping the oldest, and returns `tSec`.
 */
export function rememberDevice(
  u32: Uint32Array,
  u8: Uint8Array,
  b32: number,
  b8: number,
  device: number,
  tSec: number,
): number {
  for (let i = 0; i < DEVICE_SLOTS; i++) {
    if (u32[b32 + DEVICE_HASH_U32 + i] === device) return u32[b32 + DEVICE_FIRST_SEC_U32 + i]!;
  }
  const next = u8[b8 + DEVICE_NEXT_U8]!;
  u32[b32 + DEVICE_HASH_U32 + next] = device;
  u32[b32 + DEVICE_FIRST_SEC_U32 + next] = tSec;
  u8[b8 + DEVICE_NEXT_U8] = (next + 1) % DEVICE_SLOTS;
  return tSec;
}

/** True if the MCC (stored plus one) was among the card's last few distinct ones; otherwise remembers it. */
export function rememberMcc(u16: Uint16Array, u8: Uint8Array, b16: number, b8: number, mcc: number): boolean {
  for (let i = 0; i < MCC_SLOTS; i++) if (u16[b16 + MCC_U16 + i] === mcc) return true;
  const next = u8[b8 + MCC_NEXT_U8]!;
  u16[b16 + MCC_U16 + next] = mcc;
  u8[b8 + MCC_NEXT_U8] = (next + 1) % MCC_SLOTS;
  return false;
}
