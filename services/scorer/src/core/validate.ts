import { CHANNELS } from '../../../../schemas/src/types.ts';
import type { Transaction } from '../../../../schemas/src/types.ts';
import { ValidationError } from '../errors.ts';
import { DEFAULT_INPUT_LIMITS } from './limits.ts';
import type { InputLimits } from './limits.ts';
import { looksLikePan } from './pan-shape.ts';

export { ValidationError, isValidationError } from '../errors.ts';
export type { ValidationErrorCode } from '../errors.ts';

/**
 * Throws a `ValidationError` for a decoded transaction the features cannot trust. `now` is the caller's clock
 * (wall or simulated) so this stays pure. Runs on every record: no regexes, no allocation on the good path, and
 * every length is checked (O(1)) before anything downstream hashes or stores the value. Messages name the field
 * and the rule, never the value: they travel in dead-letter headers.
 */
export function validateTransaction(tx: Transaction, now: number, limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  const maxId = limits.maxIdLength;
  checkId(tx.transactionId, 'transactionId', maxId);
  checkId(tx.cardId, 'cardId', maxId);
  checkNotPan(tx.cardId, 'cardId');
  checkId(tx.customerId, 'customerId', maxId);
  checkId(tx.terminalId, 'terminalId', maxId);
  checkId(tx.merchantId, 'merchantId', maxId);
  checkOptional(tx.deviceId, 'deviceId', maxId, 'ID_TOO_LONG');
  checkOptional(tx.ipAddress, 'ipAddress', maxId, 'FIELD_TOO_LONG');

  const amount = tx.amountMinor;
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new ValidationError('AMOUNT_INVALID', 'amountMinor', 'amountMinor must be a non-negative integer');
  }
  if (amount > limits.maxAmountMinor) {
    throw new ValidationError(
      'AMOUNT_TOO_LARGE',
      'amountMinor',
      `amountMinor must be at most ${limits.maxAmountMinor}`,
    );
  }

  checkEventTime(tx.eventTime, now, limits);

  if (!isUpperAlpha(tx.currency, 3)) {
    throw new ValidationError('CURRENCY_INVALID', 'currency', 'currency must be 3 letters A-Z');
  }
  // The context fields may be absent (null: a feed that tells only card, terminal, amount and time); present,
  // they must be well formed.
  if (tx.terminalCountry !== null && !isUpperAlpha(tx.terminalCountry, 2)) {
    throw new ValidationError('COUNTRY_INVALID', 'terminalCountry', 'terminalCountry must be 2 letters A-Z');
  }
  if (tx.mcc !== null && (!Number.isInteger(tx.mcc) || tx.mcc < 0 || tx.mcc > 9999)) {
    throw new ValidationError('MCC_INVALID', 'mcc', 'mcc must be an integer in 0..9999');
  }
  if (tx.channel !== null && !CHANNELS.includes(tx.channel)) {
    throw new ValidationError('CHANNEL_INVALID', 'channel', `channel must be one of ${CHANNELS.join(' ')}`);
  }
  if ((tx.terminalX === null) !== (tx.terminalY === null)) {
    throw new ValidationError(
      'POSITION_INVALID',
      'terminalX',
      'terminalX and terminalY must be both given or both null',
    );
  }
  if (tx.terminalX !== null && (!Number.isFinite(tx.terminalX) || !Number.isFinite(tx.terminalY))) {
    throw new ValidationError('POSITION_INVALID', 'terminalX', 'terminalX and terminalY must be finite');
  }
}

/** A required id: a non-empty string of at most `max` UTF-16 units. */
export function checkId(value: unknown, field: string, max: number): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('MISSING_ID', field, `${field} is missing or empty`);
  }
  if (value.length > max) {
    throw new ValidationError('ID_TOO_LONG', field, `${field} is longer than ${max} characters`);
  }
}

/** Card ids are tokens: one shaped like a card number is refused, so it is never echoed into a decision. */
export function checkNotPan(value: string, field: string): void {
  if (looksLikePan(value)) {
    throw new ValidationError('ID_LOOKS_LIKE_PAN', field, `${field} looks like a card number (13-19 digits, Luhn)`);
  }
}

/** An event time that is finite and within [eventTimeMin, now + maxFutureMs]. */
export function checkEventTime(time: number, now: number, limits: InputLimits, field = 'eventTime'): void {
  if (!Number.isFinite(time) || time < limits.eventTimeMin || time > now + limits.maxFutureMs) {
    throw new ValidationError(
      'EVENT_TIME_ABSURD',
      field,
      `${field} must be from ${new Date(limits.eventTimeMin).toISOString()} to ${limits.maxFutureMs} ms after now`,
    );
  }
}

function checkOptional(value: string | null, field: string, max: number, code: 'ID_TOO_LONG' | 'FIELD_TOO_LONG'): void {
  if (typeof value === 'string' && value.length > max) {
    throw new ValidationError(code, field, `${field} is longer than ${max} characters`);
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
