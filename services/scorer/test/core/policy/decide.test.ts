import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_COUNT, FEATURE_INDEX } from '../../../src/core/features/feature-names.ts';
import type { FeatureName } from '../../../src/core/features/feature-names.ts';
import { decide, decideDegraded } from '../../../src/core/policy/decide.ts';
import { validatePolicyConfig } from '../../../src/core/policy/policy-config.ts';
import type { PolicyConfig } from '../../../src/core/policy/policy-config.ts';

const CONFIG: PolicyConfig = {
  thresholds: { review: 0.5, decline: 0.9 },
  reportedCardAction: 'DECLINE',
  amountLimit: 5000,
  failMode: 'fail-open',
  safeAmount: 100,
};

/** A row of an ordinary transaction by a known card, with `overrides` on top. */
function row(overrides: Partial<Record<FeatureName, number>> = {}, offset = 0): Float32Array {
  const out = new Float32Array(offset + FEATURE_COUNT);
  const base: Partial<Record<FeatureName, number>> = {
    amount: 25,
    seconds_since_prev_tx: 3600,
    amount_over_card_mean_30d: 1,
    card_tx_count_1h: 1,
    channel_card_present: 1,
    mcc_risk_group: 0,
    device_age_hours: 720,
    ...overrides,
  };
  for (const [name, value] of Object.entries(base)) out[offset + FEATURE_INDEX[name as FeatureName]] = value;
  return out;
}

test('thresholds map the score: review and decline are inclusive', () => {
  const f = row();
  assert.equal(decide(0.49, f, 0, CONFIG).action, 'APPROVE');
  assert.equal(decide(0.5, f, 0, CONFIG).action, 'REVIEW');
  assert.equal(decide(0.89, f, 0, CONFIG).action, 'REVIEW');
  assert.equal(decide(0.9, f, 0, CONFIG).action, 'DECLINE');
});

test('an approval without any rule carries no reasons and the model score', () => {
  const outcome = decide(0.1, row(), 0, CONFIG);
  assert.deepEqual(outcome, { action: 'APPROVE', score: 0.1, reasons: [], degraded: false });
});

test('a high score is explained by the signals in the row', () => {
  const f = row(
    {
      amount_over_card_mean_30d: 6,
      device_new_for_card: 1,
      channel_new_for_card: 1,
      speed_from_prev_kmh: 2000,
      distance_from_prev_km: 400,
      card_cnp_small_count_1h: 3,
      card_tx_count_1h: 6,
      terminal_risk_7d: 0.5,
      terminal_tx_count_7d: 10,
      mcc_new_for_card: 1,
      mcc_risk_group: 3,
      country_changed: 1,
    },
    FEATURE_COUNT,
  );
  assert.deepEqual(decide(0.95, f, FEATURE_COUNT, CONFIG).reasons, [
    'HIGH_MODEL_SCORE',
    'AMOUNT_FAR_ABOVE_CARD_MEAN',
    'IMPOSSIBLE_TRAVEL',
    'NEW_DEVICE',
    'NEW_CHANNEL',
    'CARD_TESTING_BURST',
    'HIGH_VELOCITY',
    'RISKY_TERMINAL',
    'CATEGORY_SHIFT',
    'COUNTRY_CHANGE',
  ]);
});

test('signals below their limits do not appear as reasons', () => {
  const f = row({
    amount_over_card_mean_30d: 4.9,
    speed_from_prev_kmh: 850,
    distance_from_prev_km: 400,
    card_cnp_small_count_1h: 2,
    terminal_risk_7d: 0.5,
    terminal_tx_count_7d: 4,
  });
  assert.deepEqual(decide(0.6, f, 0, CONFIG).reasons, ['HIGH_MODEL_SCORE']);
  const firstTx = row({
    seconds_since_prev_tx: 2_592_000,
    channel_new_for_card: 1,
    mcc_new_for_card: 1,
    mcc_risk_group: 3,
  });
  assert.deepEqual(decide(0.6, firstTx, 0, CONFIG).reasons, ['HIGH_MODEL_SCORE'], 'everything is new on a first use');
});

test('a feature left NaN by an absent context raises no reason, and the rules decide on the rest', () => {
  const absent = Object.fromEntries(
    (
      [
        'distance_from_prev_km',
        'speed_from_prev_kmh',
        'card_cnp_small_count_1h',
        'channel_card_present',
        'channel_new_for_card',
        'device_new_for_card',
        'device_age_hours',
        'mcc_risk_group',
        'mcc_new_for_card',
        'country_changed',
      ] as const
    ).map((name) => [name, Number.NaN]),
  );
  assert.deepEqual(decide(0.6, row(absent), 0, CONFIG).reasons, ['HIGH_MODEL_SCORE']);
  assert.deepEqual(decide(0.6, row({ ...absent, amount_over_card_mean_30d: 6 }), 0, CONFIG).reasons, [
    'HIGH_MODEL_SCORE',
    'AMOUNT_FAR_ABOVE_CARD_MEAN',
  ]);
  assert.equal(decideDegraded(row({ ...absent, amount: 6000 }), 0, CONFIG).action, 'REVIEW');
});

test('hard rules raise a low score: a reported card is declined, an amount over the limit reviewed', () => {
  const reported = decide(0.01, row({ card_fraud_reported: 1 }), 0, CONFIG);
  assert.deepEqual([reported.action, reported.reasons], ['DECLINE', ['CARD_REPORTED_FRAUD']]);
  const big = decide(0.01, row({ amount: 5000.5 }), 0, CONFIG);
  assert.deepEqual([big.action, big.reasons], ['REVIEW', ['AMOUNT_OVER_LIMIT']]);
  const bigAndBad = decide(0.95, row({ amount: 6000 }), 0, CONFIG);
  assert.deepEqual([bigAndBad.action, bigAndBad.reasons], ['DECLINE', ['AMOUNT_OVER_LIMIT', 'HIGH_MODEL_SCORE']]);
});

test('the reported-card rule raises to the configured action, and APPROVE turns it off', () => {
  const f = row({ card_fraud_reported: 1 });
  const review = decide(0.01, f, 0, { ...CONFIG, reportedCardAction: 'REVIEW' });
  assert.deepEqual([review.action, review.reasons], ['REVIEW', ['CARD_REPORTED_FRAUD']]);
  assert.equal(decide(0.95, f, 0, { ...CONFIG, reportedCardAction: 'REVIEW' }).action, 'DECLINE');
  const off = decide(0.01, f, 0, { ...CONFIG, reportedCardAction: 'APPROVE' });
  assert.deepEqual([off.action, off.reasons], ['APPROVE', []]);
  const offDegraded = decideDegraded(f, 0, { ...CONFIG, reportedCardAction: 'APPROVE' });
  assert.deepEqual([offDegraded.action, offDegraded.reasons], ['APPROVE', ['RULES_ONLY_FAIL_OPEN']]);
});

test('a score that is not a probability means the model failed: the rules decide, degraded', () => {
  for (const score of [Number.NaN, -0.1, 1.5]) {
    const outcome = decide(score, row(), 0, CONFIG);
    assert.deepEqual([outcome.action, outcome.degraded, outcome.reasons], ['APPROVE', true, ['RULES_ONLY_FAIL_OPEN']]);
  }
});

test('fail-open approves unless a hard rule or a strong signal fires', () => {
  assert.deepEqual(decideDegraded(row({ device_new_for_card: 1, country_changed: 1 }), 0, CONFIG), {
    action: 'APPROVE',
    score: 0,
    reasons: ['RULES_ONLY_FAIL_OPEN'],
    degraded: true,
  });
  assert.deepEqual(decideDegraded(row({ card_cnp_small_count_1h: 4, device_new_for_card: 1 }), 0, CONFIG), {
    action: 'REVIEW',
    score: 0.5,
    reasons: ['RULES_ONLY_FAIL_OPEN', 'CARD_TESTING_BURST'],
    degraded: true,
  });
  const reported = decideDegraded(row({ card_fraud_reported: 1 }), 0, CONFIG);
  assert.deepEqual([reported.action, reported.score], ['DECLINE', 0.9]);
});

test('fail-closed reviews unless the transaction is clearly safe', () => {
  const closed: PolicyConfig = { ...CONFIG, failMode: 'fail-closed' };
  assert.deepEqual(decideDegraded(row({ amount: 100 }), 0, closed), {
    action: 'APPROVE',
    score: 0,
    reasons: ['RULES_ONLY_FAIL_CLOSED'],
    degraded: true,
  });
  assert.deepEqual(decideDegraded(row({ amount: 100.5 }), 0, closed).reasons, [
    'RULES_ONLY_FAIL_CLOSED',
    'AMOUNT_ABOVE_SAFE_LIMIT',
  ]);
  const unknownCard = decideDegraded(row({ seconds_since_prev_tx: 2_592_000 }), 0, closed);
  assert.deepEqual(
    [unknownCard.action, unknownCard.reasons],
    ['REVIEW', ['RULES_ONLY_FAIL_CLOSED', 'NO_CARD_HISTORY']],
  );
  const newDevice = decideDegraded(row({ device_new_for_card: 1 }), 0, closed);
  assert.deepEqual([newDevice.action, newDevice.reasons], ['REVIEW', ['RULES_ONLY_FAIL_CLOSED', 'NEW_DEVICE']]);
  const recentDevice = decideDegraded(row({ device_age_hours: 23.5 }), 0, closed);
  assert.deepEqual([recentDevice.action, recentDevice.reasons], ['REVIEW', ['RULES_ONLY_FAIL_CLOSED', 'NEW_DEVICE']]);
  assert.equal(decideDegraded(row({ device_age_hours: 24 }), 0, closed).action, 'APPROVE');
  assert.equal(decideDegraded(row({ card_fraud_reported: 1 }), 0, closed).action, 'DECLINE');
  assert.equal(decideDegraded(row(), 0, CONFIG, 'fail-closed').reasons[0], 'RULES_ONLY_FAIL_CLOSED', 'mode override');
});

test('a policy config with thresholds out of order or out of range is refused, naming the field', () => {
  validatePolicyConfig(CONFIG);
  assert.throws(
    () => validatePolicyConfig({ ...CONFIG, thresholds: { review: 0.9, decline: 0.5 } }),
    /thresholds.decline/,
  );
  assert.throws(
    () => validatePolicyConfig({ ...CONFIG, thresholds: { review: -1, decline: 0.5 } }),
    /thresholds.review/,
  );
  assert.throws(() => validatePolicyConfig({ ...CONFIG, amountLimit: 0 }), /amountLimit/);
  assert.throws(() => validatePolicyConfig({ ...CONFIG, failMode: 'open' as never }), /failMode/);
  assert.throws(() => validatePolicyConfig({ ...CONFIG, reportedCardAction: 'BLOCK' as never }), /reportedCardAction/);
});
