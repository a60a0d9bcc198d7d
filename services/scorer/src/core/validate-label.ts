import type { Label } from '../../../../schemas/src/types.ts';
import { ValidationError } from '../errors.ts';
import { DEFAULT_INPUT_LIMITS } from './limits.ts';
import type { InputLimits } from './limits.ts';
import { checkEventTime, checkId, checkNotPan } from './validate.ts';

/**
 * Throws a `ValidationError` for a decoded fraud report the features cannot trust. Every instance reads the whole
 * labels topic at every start, so one bad label would reach them all, again and again: labels get the checks of
 * transactions (ids with the same bounds, the event-time window), and `reportedAt` must lie between the fraud's
 * event time and `now` plus the allowed clock skew.
 */
export function validateLabel(label: Label, now: number, limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  const maxId = limits.maxIdLength;
  checkId(label.transactionId, 'transactionId', maxId);
  checkId(label.cardId, 'cardId', maxId);
  checkNotPan(label.cardId, 'cardId');
  checkId(label.terminalId, 'terminalId', maxId);
  const scenario: unknown = label.scenario;
  if (typeof scenario !== 'string' || scenario.length === 0) {
    throw new ValidationError('LABEL_SCENARIO_MISSING', 'scenario', 'scenario is missing or empty');
  }
  if (scenario.length > maxId) {
    throw new ValidationError('FIELD_TOO_LONG', 'scenario', `scenario is longer than ${maxId} characters`);
  }
  checkEventTime(label.eventTime, now, limits);
  const reportedAt = label.reportedAt;
  if (!Number.isFinite(reportedAt) || reportedAt < label.eventTime) {
    throw new ValidationError('LABEL_REPORTED_BEFORE_EVENT', 'reportedAt', 'reportedAt must not be before eventTime');
  }
  if (reportedAt > now + limits.labelMaxSkewMs) {
    throw new ValidationError(
      'LABEL_REPORTED_IN_FUTURE',
      'reportedAt',
      `reportedAt must be at most ${limits.labelMaxSkewMs} ms after now`,
    );
  }
}
