import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from '@platformatic/kafka';
import { sendRecords, type RecordToSend } from '../kafka/load-producer.ts';

export interface PacedStreamOptions {
  /** Records per second, on a fixed schedule from the start whatever the broker does. */
  readonly rate: number;
  /** Records per produce request at most: a catch-up after an outage stays under the broker's request limits. */
  readonly maxBatch?: number;
  /** Called about every tenth of the stream. */
  readonly progress?: (sent: number, behindMs: number) => void;
}

export interface PacedStreamResult {
  readonly elapsedMs: number;
  /** The most the sender fell behind its schedule (a broker outage holds every send). */
  readonly maxBehindMs: number;
}

const TICK_MS = 50;

/**
 * Sends `records` in order at `rate`, one request at a time: record i is due i / rate seconds after the start,
 * and whatever fell due while a send was held (a broker outage) goes as soon as the broker answers again.
 */
export async function sendPaced(
  producer: Producer,
  topic: string,
  records: readonly RecordToSend[],
  options: PacedStreamOptions,
): Promise<PacedStreamResult> {
  const { rate, maxBatch = 2_000 } = options;
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const start = Date.now();
  const step = Math.max(1, Math.ceil(records.length / 10));
  let nextProgress = step;
  let maxBehindMs = 0;
  for (let sent = 0; sent < records.length;) {
    const now = Date.now() - start;
    maxBehindMs = Math.max(maxBehindMs, now - (sent * 1000) / rate);
    const due = Math.min(records.length, Math.floor((now * rate) / 1000) + perTick);
    if (due <= sent) {
      await sleep(TICK_MS);
      continue;
    }
    const to = Math.min(due, sent + maxBatch);
    await sendRecords(producer, topic, records.slice(sent, to));
    sent = to;
    if (sent >= nextProgress) {
      options.progress?.(sent, Math.max(0, Date.now() - start - (sent * 1000) / rate));
      nextProgress += step;
    }
    if (to === due) await sleep(TICK_MS);
  }
  return { elapsedMs: Date.now() - start, maxBehindMs: Math.max(0, maxBehindMs) };
}
