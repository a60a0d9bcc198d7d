import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_INPUT_LIMITS } from '../../src/core/limits.ts';
import type { InputLimits } from '../../src/core/limits.ts';
import { ValidationError, validateTransaction } from '../../src/core/validate.ts';
import type { ValidationErrorCode } from '../../src/core/validate.ts';
import { DAY0, HOUR, tx } from './features/fixtures.ts';

const NOW = DAY0 + 12 * HOUR;
/** Passes the Luhn check. */
const PAN = '4111111111111111';

function rejects(
  overrides: Record<string, unknown>,
  code: ValidationErrorCode,
  field: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): ValidationError {
  const bad = { ...tx(), ...overrides };
  let caught: unknown;
  try {
    validateTransaction(bad, NOW, limits);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof ValidationError && caught.code === code && caught.field === field && !caught.retryable,
    `${JSON.stringify(overrides).slice(0, 200)} should fail with ${code} on ${field}, got ${String(caught)}`,
  );
  return caught;
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
  rejects({ eventTime: NOW + 2 * HOUR }, 'EVENT_TIME_ABSURD', 'eventTime', {
    ...DEFAULT_INPUT_LIMITS,
    maxFutureMs: HOUR,
  });
});

test('the event-time window is configurable at both ends', () => {
  const limits = { ...DEFAULT_INPUT_LIMITS, eventTimeMin: DAY0, maxFutureMs: 0 };
  validateTransaction(tx({ eventTime: DAY0 }), NOW, limits);
  validateTransaction(tx({ eventTime: NOW }), NOW, limits);
  rejects({ eventTime: DAY0 - 1 }, 'EVENT_TIME_ABSURD', 'eventTime', limits);
  rejects({ eventTime: NOW + 1 }, 'EVENT_TIME_ABSURD', 'eventTime', limits);
  rejects({ eventTime: 0 }, 'EVENT_TIME_ABSURD', 'eventTime');
  rejects({ eventTime: Date.UTC(9999, 0, 1) }, 'EVENT_TIME_ABSURD', 'eventTime');
});

test('ids longer than the bound are ID_TOO_LONG naming the field, and the bound is configurable', () => {
  const long = 'x'.repeat(DEFAULT_INPUT_LIMITS.maxIdLength + 1);
  for (const field of ['transactionId', 'cardId', 'customerId', 'terminalId', 'merchantId', 'deviceId']) {
    rejects({ [field]: long }, 'ID_TOO_LONG', field);
  }
  rejects({ cardId: 'x'.repeat(1_000_000) }, 'ID_TOO_LONG', 'cardId');
  rejects({ ipAddress: long }, 'FIELD_TOO_LONG', 'ipAddress');
  validateTransaction(tx({ cardId: 'x'.repeat(DEFAULT_INPUT_LIMITS.maxIdLength) }), NOW);
  rejects({ cardId: 'card-12' }, 'ID_TOO_LONG', 'cardId', { ...DEFAULT_INPUT_LIMITS, maxIdLength: 6 });
});

test('a cardId shaped like a card number is ID_LOOKS_LIKE_PAN; other digit strings pass', () => {
  rejects({ cardId: PAN }, 'ID_LOOKS_LIKE_PAN', 'cardId');
  rejects({ cardId: '4222222222222' }, 'ID_LOOKS_LIKE_PAN', 'cardId');
  validateTransaction(tx({ cardId: '4111111111111112' }), NOW);
  validateTransaction(tx({ cardId: '411111111111' }), NOW);
});

test('amounts above the configurable ceiling are AMOUNT_TOO_LARGE', () => {
  rejects({ amountMinor: DEFAULT_INPUT_LIMITS.maxAmountMinor + 1 }, 'AMOUNT_TOO_LARGE', 'amountMinor');
  rejects({ amountMinor: 2 ** 62 }, 'AMOUNT_INVALID', 'amountMinor');
  const limits = { ...DEFAULT_INPUT_LIMITS, maxAmountMinor: 1000 };
  validateTransaction(tx({ amountMinor: 1000 }), NOW, limits);
  rejects({ amountMinor: 1001 }, 'AMOUNT_TOO_LARGE', 'amountMinor', limits);
});

test('error messages name the field and the rule, never the value', () => {
  const secret = '81.164.3.27-4111111111111111';
  const cases: [Record<string, unknown>, ValidationErrorCode, string][] = [
    [{ terminalCountry: PAN }, 'COUNTRY_INVALID', 'terminalCountry'],
    [{ currency: secret }, 'CURRENCY_INVALID', 'currency'],
    [{ channel: secret }, 'CHANNEL_INVALID', 'channel'],
    [{ cardId: PAN }, 'ID_LOOKS_LIKE_PAN', 'cardId'],
    [{ ipAddress: secret.repeat(10) }, 'FIELD_TOO_LONG', 'ipAddress'],
    [{ amountMinor: -4111111111111111 }, 'AMOUNT_INVALID', 'amountMinor'],
    [{ eventTime: 4111111111111111 }, 'EVENT_TIME_ABSURD', 'eventTime'],
    [{ mcc: 41111 }, 'MCC_INVALID', 'mcc'],
  ];
  for (const [overrides, code, field] of cases) {
    const error = rejects(overrides, code, field);
    assert.ok(error.message.includes(field), error.message);
    assert.ok(!error.message.includes('4111') && !error.message.includes('81.164'), error.message);
  }
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

test('absent context (channel, MCC, country and position null, as schema version 3 allows) passes', () => {
  const none = { mcc: null, channel: null, terminalCountry: null, terminalX: null, terminalY: null };
  validateTransaction(tx(none), NOW);
  validateTransaction(tx({ ...none, channel: 'ECOMMERCE', deviceId: 'd', ipAddress: '10.0.0.1' }), NOW);
  validateTransaction(tx({ terminalX: null, terminalY: null }), NOW);
});

test('a position with one coordinate null is POSITION_INVALID; present context is checked as before', () => {
  rejects({ terminalX: null }, 'POSITION_INVALID', 'terminalX');
  rejects({ terminalY: null }, 'POSITION_INVALID', 'terminalX');
  rejects({ channel: null, mcc: 10000 }, 'MCC_INVALID', 'mcc');
  rejects({ mcc: null, terminalCountry: 'be' }, 'COUNTRY_INVALID', 'terminalCountry');
});

test('only null means absent: a context field left undefined is invalid', () => {
  rejects({ mcc: undefined }, 'MCC_INVALID', 'mcc');
  rejects({ channel: undefined }, 'CHANNEL_INVALID', 'channel');
  rejects({ terminalCountry: undefined }, 'COUNTRY_INVALID', 'terminalCountry');
  rejects({ terminalX: undefined, terminalY: undefined }, 'POSITION_INVALID', 'terminalX');
});
