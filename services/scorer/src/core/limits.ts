/**
 * Bounds on what the scorer accepts and what it produces. Every length is checked before anything hashes or
 * stores the value: the producer's murmur2 partitioner hashes the whole key (kafkajs' took minutes on a 1 MB key), and
 * the broker refuses a record larger than its `max.message.bytes`.
 */
export interface InputLimits {
  /** Longest id or other free-text field (transaction, card, customer, terminal, merchant, device, IP, scenario), in UTF-16 units. */
  readonly maxIdLength: number;
  /** Largest amount, in minor units. */
  readonly maxAmountMinor: number;
  /** Event times before this (epoch ms) are corrupt. */
  readonly eventTimeMin: number;
  /** How far past `now` an event time may lie (producer clock skew, simulated clocks). */
  readonly maxFutureMs: number;
  /** How far past `now` a label's `reportedAt` may lie. */
  readonly labelMaxSkewMs: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  maxIdLength: 128,
  maxAmountMinor: 1_000_000_000_000,
  eventTimeMin: Date.UTC(2000, 0, 1),
  maxFutureMs: 24 * 3600 * 1000,
  labelMaxSkewMs: 24 * 3600 * 1000,
});

/** Bounds on the records the scorer produces (decisions and dead letters). */
export interface OutputLimits {
  /** No produced record (key, value and headers, with Kafka's framing) exceeds this; at most the broker's `max.message.bytes`. */
  readonly maxMessageBytes: number;
  /** A dead letter's key is cut to this many bytes. */
  readonly maxKeyBytes: number;
  /** Original headers copied into a dead letter, at most this many… */
  readonly maxHeaders: number;
  /** …and at most this many bytes of names and values. */
  readonly maxHeaderBytes: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = Object.freeze({
  // Under the broker's default max.message.bytes (1,048,588).
  maxMessageBytes: 1_000_000,
  maxKeyBytes: 512,
  maxHeaders: 64,
  maxHeaderBytes: 8192,
});

/** UTF-8 bytes of a string of `length` UTF-16 units, at most: an O(1) bound instead of encoding it. */
export function maxUtf8Bytes(length: number): number {
  return 3 * length;
}
