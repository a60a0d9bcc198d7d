import type { RecordHeaders } from '../core/scoring/records.ts';

const EMPTY = Buffer.alloc(0);
/** Most records have no headers: one shared empty list instead of one per record. */
const NO_HEADERS: RecordHeaders = Object.freeze([]);

/**
 * A fetched record's headers as the core's ordered pairs: @platformatic/kafka keeps every header, in order, with
 * repeated names (`headerEntries`); a null name or value on the wire becomes empty, so nothing downstream meets
 * a null.
 */
export function fromKafkaHeaders(entries: readonly (readonly [unknown, unknown])[] | undefined): RecordHeaders {
  if (entries === undefined || entries.length === 0) return NO_HEADERS;
  const out = new Array<[string, Buffer]>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const [name, value] = entries[i]!;
    out[i] = [Buffer.isBuffer(name) ? name.toString('utf8') : typeof name === 'string' ? name : '', toBuffer(value)];
  }
  return out;
}

/**
 * The core's pairs as the client sends them: a Map keyed by a fresh Buffer per header, so repeated names stay
 * (a Map keyed by strings would keep only the last) and order is kept.
 */
export function toKafkaHeaders(headers: RecordHeaders): Map<Buffer, Buffer> | undefined {
  if (headers.length === 0) return undefined;
  const out = new Map<Buffer, Buffer>();
  for (const [name, value] of headers) out.set(Buffer.from(name, 'utf8'), value);
  return out;
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return EMPTY;
}
