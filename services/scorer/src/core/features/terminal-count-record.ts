/**
 * The records of the shared, compacted terminal-counts topic. Key: one format byte (1), the source partition
 * (uint16, big-endian), the day (uint32, days since the epoch), then the terminal id in UTF-8 to the end, so no
 * character of an id can collide with the framing. Value: the count (uint32, big-endian); null (a tombstone)
 * deletes the cell.
 */
export interface TerminalCountRecord {
  readonly partition: number;
  readonly terminalId: string;
  readonly day: number;
  /** null: the cell was deleted (it left its owner's ring). */
  readonly count: number | null;
}

const FORMAT = 1;
const HEADER_BYTES = 7;
const MAX_PARTITION = 0xffff;
const MAX_U32 = 0xffff_ffff;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeCountKey(partition: number, terminalId: string, day: number): Buffer {
  if (!Number.isInteger(partition) || partition < 0 || partition > MAX_PARTITION) {
    throw new RangeError(`partition must be an integer in 0..${MAX_PARTITION}, got ${partition}`);
  }
  if (!Number.isInteger(day) || day < 0 || day > MAX_U32) throw new RangeError(`day out of range: ${day}`);
  const id = Buffer.from(terminalId, 'utf8');
  const key = Buffer.allocUnsafe(HEADER_BYTES + id.length);
  key[0] = FORMAT;
  key.writeUInt16BE(partition, 1);
  key.writeUInt32BE(day, 3);
  id.copy(key, HEADER_BYTES);
  return key;
}

export function encodeCountValue(count: number): Buffer {
  const value = Buffer.allocUnsafe(4);
  value.writeUInt32BE(Math.min(count, MAX_U32), 0);
  return value;
}

/** The record of a key and value as read, or undefined if either is malformed (never throws). */
export function decodeCountRecord(key: Buffer | null, value: Buffer | null): TerminalCountRecord | undefined {
  if (key === null || key.length < HEADER_BYTES || key[0] !== FORMAT) return undefined;
  if (value !== null && value.length !== 4) return undefined;
  let terminalId: string;
  try {
    terminalId = utf8.decode(key.subarray(HEADER_BYTES));
  } catch {
    return undefined;
  }
  return {
    partition: key.readUInt16BE(1),
    day: key.readUInt32BE(3),
    terminalId,
    count: value === null ? null : value.readUInt32BE(0),
  };
}
