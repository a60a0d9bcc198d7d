import type { Decision, Label, Transaction } from '../src/types.ts';

export function sampleTransaction(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transactionId: 's42-000000000001',
    cardId: 'card-9f3a1c2b4d5e6f70',
    customerId: 'cust-000012',
    terminalId: 'term-0000ab',
    merchantId: 'merch-00003f',
    mcc: 5411,
    amountMinor: 4599,
    currency: 'EUR',
    eventTime: Date.UTC(2018, 3, 1, 9, 30),
    channel: 'ECOMMERCE',
    terminalCountry: 'BE',
    terminalX: 45.125,
    terminalY: 12.5,
    deviceId: 'dev-51c0ffee',
    ipAddress: '81.164.3.27',
    ...overrides,
  };
}

export function sampleDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    transactionId: 's42-000000000001',
    cardId: 'card-9f3a1c2b4d5e6f70',
    action: 'REVIEW',
    score: 0.625,
    reasons: ['HIGH_AMOUNT', 'NEW_DEVICE'],
    modelVersion: 'gbm-2024-01',
    degraded: false,
    eventTime: Date.UTC(2018, 3, 1, 9, 30),
    decidedAt: Date.UTC(2024, 0, 1, 12, 0, 0, 3),
    latencyUs: 1834,
    challenger: null,
    explanation: null,
    ...overrides,
  };
}

export function sampleLabel(overrides: Partial<Label> = {}): Label {
  return {
    transactionId: 's42-000000000001',
    cardId: 'card-9f3a1c2b4d5e6f70',
    terminalId: 'term-0000ab',
    scenario: 'compromised-terminal',
    eventTime: Date.UTC(2018, 3, 1, 9, 30),
    reportedAt: Date.UTC(2018, 3, 8, 9, 30),
    ...overrides,
  };
}
