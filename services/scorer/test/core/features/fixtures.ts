import type { Transaction } from '../../../../../schemas/src/types.ts';
import { CardStore } from '../../../src/core/features/card-store.ts';
import type { CardStoreOptions } from '../../../src/core/features/card-store.ts';
import { FeatureExtractor } from '../../../src/core/features/feature-extractor.ts';
import { FEATURE_COUNT, FEATURE_INDEX } from '../../../src/core/features/feature-names.ts';
import type { FeatureName } from '../../../src/core/features/feature-names.ts';
import { FEATURE_NAMES } from '../../../src/core/features/feature-names.ts';
import { LABEL_DELAY_DAYS, WINDOWS_DAYS } from '../../../src/core/features/feature-params.ts';
import type { FeatureSpec } from '../../../src/core/features/feature-spec.ts';
import { TerminalAggregate } from '../../../src/core/features/terminal-aggregate.ts';

/** Monday 2025-01-06 00:00 UTC. */
export const DAY0 = Date.UTC(2025, 0, 6);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const SPEC: FeatureSpec = {
  version: 'test',
  labelDelayDays: LABEL_DELAY_DAYS,
  windowsDays: WINDOWS_DAYS,
  features: FEATURE_NAMES.map((name) => ({ name, description: '' })),
};

let serial = 0;

export function tx(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transactionId: `tx-${serial++}`,
    cardId: 'card-a',
    customerId: 'cust-a',
    terminalId: 'term-1',
    merchantId: 'merch-1',
    mcc: 5411,
    amountMinor: 1000,
    currency: 'EUR',
    eventTime: DAY0 + 10 * HOUR,
    channel: 'CARD_PRESENT',
    terminalCountry: 'BE',
    terminalX: 10,
    terminalY: 10,
    deviceId: null,
    ipAddress: null,
    ...overrides,
  };
}

export interface Harness {
  cards: CardStore;
  terminals: TerminalAggregate;
  extractor: FeatureExtractor;
  /** Extracts one row and returns it by feature name. */
  run(t: Transaction): Record<FeatureName, number>;
}

export function harness(options?: { cards?: CardStoreOptions; terminals?: TerminalAggregate }): Harness {
  const cards = new CardStore(options?.cards);
  const terminals = options?.terminals ?? new TerminalAggregate();
  const extractor = new FeatureExtractor(SPEC, { cards, terminals });
  const row = new Float32Array(FEATURE_COUNT);
  return {
    cards,
    terminals,
    extractor,
    run(t) {
      extractor.extract(t, row, 0);
      return named(row, 0);
    },
  };
}

export function named(row: Float32Array, offset: number): Record<FeatureName, number> {
  const out = {} as Record<FeatureName, number>;
  for (const name of FEATURE_NAMES) out[name] = row[offset + FEATURE_INDEX[name]]!;
  return out;
}
