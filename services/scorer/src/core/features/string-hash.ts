/**
 * FNV-1a of a string's UTF-16 code units, cut to 30 bits so it stays a small integer (no heap number per call),
 * never 0 (0 marks an empty slot in card state). Stable across processes, so card state exported by one
 * instance means the same in another.
 */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 2;
  return h === 0 ? 1 : h;
}
