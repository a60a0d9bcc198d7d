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
  const headers: (readonly [string, Buffer])[] = [...record.headers];
  const add = (name: string, value: string) => headers.push([name, Buffer.from(value, 'utf8')]);
  const e = error instanceof Error ? error : new Error(String(error));
  add(DLQ_HEADERS.topic, record.topic);
  add(DLQ_HEADERS.partition, String(record.partition));
  add(DLQ_HEADERS.offset, record.offset);
  add(DLQ_HEADERS.timestamp, String(record.timestamp));
  add(DLQ_HEADERS.stage, stage);
  add(DLQ_HEADERS.errorClass, e.name);
  const code = (e as { code?: unknown }).code;
  add(DLQ_HEADERS.errorCode, typeof code === 'string' || typeof code === 'number' ? String(code) : 'UNKNOWN');
  add(DLQ_HEADERS.errorMessage, e.message.slice(0, 1000));
  return { topic: dlqTopic, key: record.key, value: record.value, headers };
}
