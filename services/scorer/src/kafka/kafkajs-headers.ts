import type { IHeaders } from 'kafkajs';
import type { RecordHeaders } from '../core/scoring/records.ts';

const EMPTY = Buffer.alloc(0);
const NO_HEADERS: IHeaders = Object.freeze({});

/**
 * kafkajs' headers as the core's ordered pairs. kafkajs gives a string, a Buffer, an array of them (a repeated
 * name) or null/undefined (a header with a null value on the wire); null becomes an empty value, so nothing
 * downstream meets a null. (kafkajs builds its object with plain assignment, so a header named `__proto__` is
 * already lost inside the client; nothing here can recover it.)
 */
export function fromKafkaHeaders(headers: IHeaders | undefined): RecordHeaders {
  if (headers === undefined) return [];
  const out: [string, Buffer][] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) out.push([name, toBuffer(v)]);
    else out.push([name, toBuffer(value)]);
  }
  return out;
}

/** The core's pairs as kafkajs wants them: repeated names as arrays, on an object with no prototype. */
export function toKafkaHeaders(headers: RecordHeaders): IHeaders {
  if (headers.length === 0) return NO_HEADERS;
  const out = Object.create(null) as Record<string, Buffer | Buffer[]>;
  for (const [name, value] of headers) {
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[name] = [seen, value];
  }
  return out;
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return EMPTY;
}
