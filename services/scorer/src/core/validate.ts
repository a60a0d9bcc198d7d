import { CHANNELS } from '../../../../schemas/src/types.ts';
import type { Transaction } from '../../../../schemas/src/types.ts';
import { ValidationError } from '../errors.ts';

export { ValidationError, isValidationError } from '../errors.ts';
export type { ValidationErrorCode } from '../errors.ts';

/** Event times before this are corrupt (the simulated world starts well after it). */
export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
export const DEFAULT_MAX_FUTURE_MS = 24 * 3600 * 1000;

export interface ValidateOptions {
  /** How far past `now` an event time may lie (producer clock skew, simulated clocks). Default one day. */
  maxFutureMs?: number;
}

/**
 * Throws a `ValidationError` for a decoded transaction the features cannot trust. `now` is the caller's clock
 * (wall or simulated) so this stays pure. Runs on every record: no regexes, no allocation on the good path.
 */
export function validateTransaction(tx: Transaction, now: number, options?: ValidateOptions): void {
  checkId(tx.transactionId, 'transactionId');
  checkId(tx.cardId, 'cardId');
  checkId(tx.customerId, 'customerId');
  checkId(tx.terminalId, 'terminalId');
  checkId(tx.merchantId, 'merchantId');

  const amount = tx.amountMinor;
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new ValidationError(
      'AMOUNT_INVALID',
      'amountMinor',
      `amountMinor must be a non-negative integer, got ${amount}`,
    );
  }

  const time = tx.eventTime;
  const maxFuture = options?.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (!Number.isFinite(time) || time < EARLIEST_EVENT_TIME || time > now + maxFuture) {
    throw new ValidationError(
      'EVENT_TIME_ABSURD',
      'eventTime',
      `eventTime ${time} is before 2000 or more than ${maxFuture} ms after ${now}`,
    );
  }

  if (!isUpperAlpha(tx.currency, 3)) {
    throw new ValidationError(
      'CURRENCY_INVALID',
      'currency',
      `currency must be 3 letters A-Z, got ${quote(tx.currency)}`,
    );
  }
  if (!isUpperAlpha(tx.terminalCountry, 2)) {
    throw new ValidationError(
      'COUNTRY_INVALID',
      'terminalCountry',
      `terminalCountry must be 2 letters A-Z, got ${quote(tx.terminalCountry)}`,
    );
  }
  if (!Number.isInteger(tx.mcc) || tx.mcc < 0 || tx.mcc > 9999) {
    throw new ValidationError('MCC_INVALID', 'mcc', `mcc must be an integer in 0..9999, got ${tx.mcc}`);
  }
  if (!CHANNELS.includes(tx.channel)) {
    throw new ValidationError('CHANNEL_INVALID', 'channel', `unknown channel ${quote(tx.channel)}`);
  }
  if (!Number.isFinite(tx.terminalX) || !Number.isFinite(tx.terminalY)) {
    throw new ValidationError('POSITION_INVALID', 'terminalX', 'terminalX and terminalY must be finite');
  }
}

function checkId(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('MISSING_ID', field, `${field} is missing or empty`);
  }
}

function isUpperAlpha(value: unknown, length: number): boolean {
  if (typeof value !== 'string' || value.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
