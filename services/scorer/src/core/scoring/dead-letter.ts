import { DEFAULT_OUTPUT_LIMITS } from '../limits.ts';
import type { OutputLimits } from '../limits.ts';
import type { InRecord, OutRecord } from './records.ts';

export const DLQ_HEADERS = {
  topic: 'dlq.original.topic',
  partition: 'dlq.original.partition',
  offset: 'dlq.original.offset',
  timestamp: 'dlq.original.timestamp',
  stage: 'dlq.stage',
  errorClass: 'dlq.error.class',
  errorCode: 'dlq.error.code',
  errorMessage: 'dlq.error.message',
  /** How many of the original headers were left out (over the count or byte bound, or in the `dlq.` namespace). */
  headersDropped: 'dlq.headers.dropped',
  /** The original key's length in bytes, when the key was cut to the bound. */
  keyTruncated: 'dlq.key.truncated',
  /** The original value's length in bytes, when the value was cut so the dead letter fits the broker's limit. */
  valueTruncated: 'dlq.value.truncated',
  /** `key,value` when both were left out because the record carries what looks like a card number. */
  redacted: 'dlq.redacted',
} as const;

const DLQ_PREFIX = 'dlq.';
/** Kafka's record batch header (61 bytes) plus one record's framing with the widest varints, rounded up. */
const RECORD_OVERHEAD = 128;
/** A header's two length varints, at their widest. */
const HEADER_OVERHEAD = 10;
/** Codes whose record carries a card number: neither its key nor its value is copied. */
const REDACT_CODES: ReadonlySet<string> = new Set(['ID_LOOKS_LIKE_PAN']);
/** The message of an error the scorer did not write. */
const WITHHELD = 'message withheld: an error without a code, which may quote field values';

/**
 * The dead letter of a record that could not be decided: its original key, bytes and headers, plus headers
 * saying where it came from and why it failed. Only the scorer's own errors (those with a `code`: validation,
schema, feature, output) give their message, which names the field and the rule and never a value; any other
error's message (a library's, which may quote the value it choked on) is withheld, so no card data leaks.
 * Bounded so the broker accepts it: the original headers are copied up to `maxHeaders` and `maxHeaderBytes`, a
 * key longer than `maxKeyBytes` is cut, and the value is cut so the whole record stays within `maxMessageBytes`;
 * a header says what was cut, and the original topic, partition and offset find the untouched record.
 */
export function deadLetter(
  record: InRecord,
  dlqTopic: string,
  stage: string,
  error: unknown,
  limits: OutputLimits = DEFAULT_OUTPUT_LIMITS,
): OutRecord {
  const headers: (readonly [string, Buffer])[] = [];
  let copied = 0;
  let dropped = 0;
  for (const header of record.headers) {
    const [name, value] = header;
    if (
      headers.length >= limits.maxHeaders ||
      name.length + value.length > limits.maxHeaderBytes ||
      name.startsWith(DLQ_PREFIX)
    ) {
      dropped++;
      continue;
    }
    const size = Buffer.byteLength(name, 'utf8') + value.length;
    if (copied + size > limits.maxHeaderBytes) {
      dropped++;
      continue;
    }
    headers.push(header);
    copied += size;
  }
  const add = (name: string, value: string) => headers.push([name, Buffer.from(value, 'utf8')]);
  const e = error instanceof Error ? error : new Error(String(error));
  const rawCode = (e as { code?: unknown }).code;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode).slice(0, 100) : 'UNKNOWN';
  add(DLQ_HEADERS.topic, record.topic);
  add(DLQ_HEADERS.partition, String(record.partition));
  add(DLQ_HEADERS.offset, record.offset);
  add(DLQ_HEADERS.timestamp, String(record.timestamp));
  add(DLQ_HEADERS.stage, stage);
  add(DLQ_HEADERS.errorClass, e.name.slice(0, 100));
  add(DLQ_HEADERS.errorCode, code);
  add(DLQ_HEADERS.errorMessage, (typeof rawCode === 'string' ? e.message : WITHHELD).slice(0, 1000));
  if (dropped > 0) add(DLQ_HEADERS.headersDropped, String(dropped));

  let key = record.key;
  let value = record.value;
  if (REDACT_CODES.has(code)) {
    key = null;
    value = null;
    add(DLQ_HEADERS.redacted, 'key,value');
  }
  if (key !== null && key.length > limits.maxKeyBytes) {
    add(DLQ_HEADERS.keyTruncated, String(key.length));
    key = key.subarray(0, limits.maxKeyBytes);
  }
  if (value !== null) {
    const valueLength = value.length;
    const truncatedHeader = HEADER_OVERHEAD + DLQ_HEADERS.valueTruncated.length + String(valueLength).length;
    const room = limits.maxMessageBytes - recordBytes(key, headers);
    if (valueLength > room) {
      add(DLQ_HEADERS.valueTruncated, String(valueLength));
      value = value.subarray(0, Math.max(0, room - truncatedHeader));
    }
  }
  return { topic: dlqTopic, key, value, headers };
}

/** Bytes of a record without its value, with Kafka's framing at its widest. */
function recordBytes(key: Buffer | null, headers: readonly (readonly [string, Buffer])[]): number {
  let bytes = RECORD_OVERHEAD + (key?.length ?? 0);
  for (const [name, value] of headers) bytes += HEADER_OVERHEAD + Buffer.byteLength(name, 'utf8') + value.length;
  return bytes;
}
