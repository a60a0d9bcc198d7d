import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError, validateTransaction } from '../../src/core/validate.ts';
import type { ValidationErrorCode } from '../../src/core/validate.ts';
import { DAY0, HOUR, tx } from './features/fixtures.ts';

const NOW = DAY0 + 12 * HOUR;

function rejects(overrides: Record<string, unknown>, code: ValidationErrorCode, field: string): void {
  const bad = { ...tx(), ...overrides };
  assert.throws(
    () => validateTransaction(bad, NOW),
    (e: unknown) => e instanceof ValidationError && e.code === code && e.field === field && !e.retryable,
    `${JSON.stringify(overrides)} should fail with ${code}`,
  );
}

test('a well-formed transaction passes', () => {
  validateTransaction(tx(), NOW);
  validateTransaction(tx({ amountMinor: 0, eventTime: NOW + 24 * HOUR, channel: 'ECOMMERCE', deviceId: 'd' }), NOW);
});

test('missing or empty ids are MISSING_ID naming the field', () => {
  rejects({ transactionId: '' }, 'MISSING_ID', 'transactionId');
  rejects({ cardId: undefined }, 'MISSING_ID', 'cardId');
  rejects({ customerId: '' }, 'MISSING_ID', 'customerId');
  rejects({ terminalId: null }, 'MISSING_ID', 'terminalId');
  rejects({ merchantId: '' }, 'MISSING_ID', 'merchantId');
});

test('amounts that are negative, fractional or not finite are AMOUNT_INVALID', () => {
  for (const amountMinor of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    rejects({ amountMinor }, 'AMOUNT_INVALID', 'amountMinor');
  }
});

test('event times before 2000 or more than a day ahead of now are EVENT_TIME_ABSURD', () => {
  rejects({ eventTime: Date.UTC(1999, 11, 31, 23, 59, 59) }, 'EVENT_TIME_ABSURD', 'eventTime');
  rejects({ eventTime: NOW + 24 * HOUR + 1 }, 'EVENT_TIME_ABSURD', 'eventTime');
  rejects({ eventTime: Number.NaN }, 'EVENT_TIME_ABSURD', 'eventTime');
  assert.throws(() => validateTransaction(tx({ eventTime: NOW + 2 * HOUR }), NOW, { maxFutureMs: HOUR }));
});

test('currency, country, MCC, channel and position are checked', () => {
  rejects({ currency: 'eur' }, 'CURRENCY_INVALID', 'currency');
  rejects({ currency: 'EURO' }, 'CURRENCY_INVALID', 'currency');
  rejects({ terminalCountry: 'B' }, 'COUNTRY_INVALID', 'terminalCountry');
  rejects({ terminalCountry: 'B1' }, 'COUNTRY_INVALID', 'terminalCountry');
  rejects({ mcc: 10000 }, 'MCC_INVALID', 'mcc');
  rejects({ mcc: -1 }, 'MCC_INVALID', 'mcc');
  rejects({ channel: 'TELEPATHY' }, 'CHANNEL_INVALID', 'channel');
  rejects({ terminalY: Number.NaN }, 'POSITION_INVALID', 'terminalX');
});
