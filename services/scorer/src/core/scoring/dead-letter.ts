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
} as const;

/**
 * The dead letter of a record that could not be decided: its original key, bytes and headers, plus headers
 * saying where it came from and why it failed. Error messages never carry field values, so no card data leaks.
 */
export function deadLetter(record: InRecord, dlqTopic: string, stage: string, error: unknown): OutRecord {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(record.headers)) if (value !== undefined) headers[name] = value;
  const e = error instanceof Error ? error : new Error(String(error));
  headers[DLQ_HEADERS.topic] = record.topic;
  headers[DLQ_HEADERS.partition] = String(record.partition);
  headers[DLQ_HEADERS.offset] = record.offset;
  headers[DLQ_HEADERS.timestamp] = String(record.timestamp);
  headers[DLQ_HEADERS.stage] = stage;
  headers[DLQ_HEADERS.errorClass] = e.name;
  const code = (e as { code?: unknown }).code;
  headers[DLQ_HEADERS.errorCode] = typeof code === 'string' || typeof code === 'number' ? String(code) : 'UNKNOWN';
  headers[DLQ_HEADERS.errorMessage] = e.message.slice(0, 1000);
  return { topic: dlqTopic, key: record.key, value: record.value, headers };
}
