import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleLabel } from '../../../../schemas/test/fixtures.ts';
import { DEFAULT_INPUT_LIMITS } from '../../src/core/limits.ts';
import type { InputLimits } from '../../src/core/limits.ts';
import { validateLabel } from '../../src/core/validate-label.ts';
import { ValidationError } from '../../src/core/validate.ts';
import type { ValidationErrorCode } from '../../src/core/validate.ts';

const DAY = 24 * 3600 * 1000;
const label = sampleLabel();
/** A wall clock a while after the sample label was reported. */
const NOW = label.reportedAt + 30 * DAY;

function rejects(
  overrides: Record<string, unknown>,
  code: ValidationErrorCode,
  field: string,
  now = NOW,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): void {
  const bad = { ...label, ...overrides };
  assert.throws(
    () => validateLabel(bad, now, limits),
    (e: unknown) => e instanceof ValidationError && e.code === code && e.field === field,
    `${JSON.stringify(overrides).slice(0, 200)} should fail with ${code} on ${field}`,
  );
}

test('a well-formed label passes, including one reported at its event time or just now', () => {
  validateLabel(label, NOW);
  validateLabel({ ...label, reportedAt: label.eventTime }, NOW);
  validateLabel({ ...label, reportedAt: NOW + DAY }, NOW);
});

test('label ids are checked with the bounds of transactions: present, not too long, no PAN-shaped card', () => {
  for (const field of ['transactionId', 'cardId', 'terminalId']) {
    rejects({ [field]: '' }, 'MISSING_ID', field);
    rejects({ [field]: 'x'.repeat(1_000_000) }, 'ID_TOO_LONG', field);
  }
  rejects({ cardId: '4111111111111111' }, 'ID_LOOKS_LIKE_PAN', 'cardId');
  rejects({ cardId: 'c'.repeat(21) }, 'ID_TOO_LONG', 'cardId', NOW, { ...DEFAULT_INPUT_LIMITS, maxIdLength: 20 });
});

test('a label with no scenario or an overlong one is refused', () => {
  rejects({ scenario: '' }, 'LABEL_SCENARIO_MISSING', 'scenario');
  rejects({ scenario: 's'.repeat(DEFAULT_INPUT_LIMITS.maxIdLength + 1) }, 'FIELD_TOO_LONG', 'scenario');
});

test('a label whose event time lies outside the window (1970, year 9999) is EVENT_TIME_ABSURD', () => {
  rejects({ eventTime: 0, reportedAt: 1 }, 'EVENT_TIME_ABSURD', 'eventTime');
  const y9999 = Date.UTC(9999, 0, 1);
  rejects({ eventTime: y9999, reportedAt: y9999 }, 'EVENT_TIME_ABSURD', 'eventTime');
  rejects({ eventTime: Number.NaN }, 'EVENT_TIME_ABSURD', 'eventTime');
});

test('reportedAt before the fraud it reports, or beyond the allowed skew ahead of now, is refused', () => {
  rejects({ reportedAt: label.eventTime - 1 }, 'LABEL_REPORTED_BEFORE_EVENT', 'reportedAt');
  rejects({ reportedAt: Number.NaN }, 'LABEL_REPORTED_BEFORE_EVENT', 'reportedAt');
  rejects({ reportedAt: NOW + DAY + 1 }, 'LABEL_REPORTED_IN_FUTURE', 'reportedAt');
  const tight = { ...DEFAULT_INPUT_LIMITS, labelMaxSkewMs: 0 };
  validateLabel({ ...label, reportedAt: NOW }, NOW, tight);
  rejects({ reportedAt: NOW + 1 }, 'LABEL_REPORTED_IN_FUTURE', 'reportedAt', NOW, tight);
});
