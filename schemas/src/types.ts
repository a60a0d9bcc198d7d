// The records that cross Kafka topics, as the TypeScript side sees them after Avro decoding.
// Times are epoch milliseconds (Avro `timestamp-millis` on a long); money is in minor units (cents).
// Card and customer identifiers are opaque tokens: a card number (PAN) never enters the pipeline.

export const CHANNELS = ['CARD_PRESENT', 'CONTACTLESS', 'ECOMMERCE', 'ATM', 'MOTO'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ACTIONS = ['APPROVE', 'REVIEW', 'DECLINE'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Transaction {
  transactionId: string;
  cardId: string;
  customerId: string;
  terminalId: string;
  merchantId: string;
  /** ISO 18245 merchant category code; null when the feed does not send it (as are the context fields below). */
  mcc: number | null;
  amountMinor: number;
  /** ISO 4217 alphabetic code. */
  currency: string;
  eventTime: number;
  channel: Channel | null;
  /** ISO 3166-1 alpha-2. */
  terminalCountry: string | null;
  /** Position on the simulated world's plane, in kilometres; both null or neither. */
  terminalX: number | null;
  terminalY: number | null;
  /** Card-not-present only: a device fingerprint token and the client IP. */
  deviceId: string | null;
  ipAddress: string | null;
}

/**
 * Every context field of a transaction absent (version 3): what a feed that sends only card, terminal, amount and
 * time gives.
 */
export const ABSENT_CONTEXT = {
  mcc: null,
  channel: null,
  terminalCountry: null,
  terminalX: null,
  terminalY: null,
  deviceId: null,
  ipAddress: null,
} as const satisfies Partial<Transaction>;

export interface Decision {
  transactionId: string;
  cardId: string;
  action: Action;
  /** Model fraud probability in [0, 1] (or the rules-only score when degraded). */
  score: number;
  reasons: string[];
  modelVersion: string;
  degraded: boolean;
  eventTime: number;
  decidedAt: number;
  latencyUs: number;
  /** A challenger model's score of the same row (shadow only: it never changes the action); null when none scored it. */
  challenger: ChallengerScore | null;
  /** The champion's exact TreeSHAP reasons (REVIEW / DECLINE it scored, APPROVE when configured); null otherwise. */
  explanation: Explanation | null;
}

export interface ChallengerScore {
  modelVersion: string;
  score: number;
}

/** Margin (log-odds) = expectedValue + every feature's contribution; `contributions` holds the largest. */
export interface Explanation {
  expectedValue: number;
  margin: number;
  contributions: FeatureContribution[];
}

export interface FeatureContribution {
  feature: string;
  value: number;
  contribution: number;
}

export interface Label {
  transactionId: string;
  cardId: string;
  terminalId: string;
  /** Scenario id of the fraud, e.g. `amount-over-220`, `compromised-terminal`, `card-testing`. */
  scenario: string;
  /** Event time of the fraudulent transaction. */
  eventTime: number;
  reportedAt: number;
}
