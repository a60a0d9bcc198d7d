import type { Action } from '../../../../../schemas/src/types.ts';

/** A record as the source hands it over: Kafka's shape without Kafka's types. */
export interface InRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Kafka record timestamp, epoch ms (set when the producer sent it). */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Normalised at the edge: names and values as bytes, in wire order, duplicates kept, bounded in number. */
  readonly headers: RecordHeaders;
}

/** Kafka headers as the wire has them: an ordered list of name/value pairs (names may repeat). */
export type RecordHeaders = readonly (readonly [name: string, value: Buffer])[];

export interface OutRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** The input partition it answers (decisions): the sink keeps it where the output is co-partitioned. */
  readonly partition?: number;
}

/** What one input record became; `record` goes to the sink, the rest is for metrics once it is acknowledged. */
export type Outcome =
  | {
      readonly kind: 'decision';
      readonly record: OutRecord;
      readonly action: Action;
      /** Why the decision was made by rules alone, or null when the model made it. */
      readonly degraded: 'model-failed' | 'deadline' | null;
      readonly timestamp: number;
    }
  | { readonly kind: 'dead-letter'; readonly record: OutRecord; readonly stage: string; readonly timestamp: number };
