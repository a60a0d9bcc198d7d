import type { Action } from '../../../../../schemas/src/types.ts';
import { FEATURE_INDEX as F } from '../features/feature-names.ts';
import type { PolicyConfig } from './policy-config.ts';
import type { ReasonCode } from './reason-codes.ts';
import { hasCardHistory, pushSignalReasons, signalsOf, STRONG_SIGNALS } from './signals.ts';

export interface PolicyOutcome {
  readonly action: Action;
  /** The model score, or for a degraded decision the threshold score of its action (0 for APPROVE). */
  readonly score: number;
  /** Shared frozen arrays when nothing fired: copy before mutating. */
  readonly reasons: readonly ReasonCode[];
  readonly degraded: boolean;
}

const NO_REASONS: readonly ReasonCode[] = Object.freeze([]);
const FAIL_OPEN_ONLY: readonly ReasonCode[] = Object.freeze(['RULES_ONLY_FAIL_OPEN'] as const);

const RANK: Readonly<Record<Action, number>> = { APPROVE: 0, REVIEW: 1, DECLINE: 2 };

/** The reported-card rule fires only when it can raise the action. */
function isReportedCard(features: Float32Array, offset: number, config: PolicyConfig): boolean {
  return config.reportedCardAction !== 'APPROVE' && features[offset + F.card_fraud_reported] === 1;
}

function atLeast(action: Action, floor: Action): Action {
  return RANK[action] >= RANK[floor] ? action : floor;
}

/** The hard rules, which only ever raise the action: a reported card to `reportedCardAction`, an amount over the limit to REVIEW. */
function applyHardRules(
  action: Action,
  reported: boolean,
  overLimit: boolean,
  config: PolicyConfig,
  reasons: ReasonCode[],
): Action {
  if (reported) {
    reasons.push('CARD_REPORTED_FRAUD');
    action = atLeast(action, config.reportedCardAction);
  }
  if (overLimit) {
    reasons.push('AMOUNT_OVER_LIMIT');
    action = atLeast(action, 'REVIEW');
  }
  return action;
}

/**
 * The decision for a model score and the transaction's feature row (`features[offset ..]`, in spec order).
 * Thresholds map the score; hard rules only ever raise the action (a reported card to `reportedCardAction`,
 * an amount over the limit to REVIEW). When the score reaches review, the signals that explain it join the
 * reasons. A score that is not a number in [0, 1] means the model failed: the rules decide, degraded.
 */
export function decide(score: number, features: Float32Array, offset: number, config: PolicyConfig): PolicyOutcome {
  if (!(score >= 0 && score <= 1)) return decideDegraded(features, offset, config);
  const { review, decline } = config.thresholds;
  let action: Action = score >= decline ? 'DECLINE' : score >= review ? 'REVIEW' : 'APPROVE';
  const reported = isReportedCard(features, offset, config);
  const overLimit = features[offset + F.amount]! > config.amountLimit;
  if (action === 'APPROVE' && !reported && !overLimit) {
    return { action, score, reasons: NO_REASONS, degraded: false };
  }
  const reasons: ReasonCode[] = [];
  action = applyHardRules(action, reported, overLimit, config, reasons);
  if (score >= review) {
    reasons.push('HIGH_MODEL_SCORE');
    pushSignalReasons(signalsOf(features, offset), reasons);
  }
  return { action, score, reasons, degraded: false };
}

/**
 * Rules only, for when the model failed or the record's deadline passed; always `degraded`. Fail-open
 * approves unless a hard rule or a strong signal fires; fail-closed reviews unless the transaction is clearly
 * safe (a known card, a small amount, no signal at all). A reported card gets `reportedCardAction` in both.
 */
export function decideDegraded(
  features: Float32Array,
  offset: number,
  config: PolicyConfig,
  mode = config.failMode,
): PolicyOutcome {
  const reported = isReportedCard(features, offset, config);
  const amount = features[offset + F.amount]!;
  const overLimit = amount > config.amountLimit;
  const signals = signalsOf(features, offset);
  const open = mode === 'fail-open';
  const raising = open ? signals & STRONG_SIGNALS : signals;
  if (open && !reported && !overLimit && raising === 0) {
    return { action: 'APPROVE', score: 0, reasons: FAIL_OPEN_ONLY, degraded: true };
  }

  const reasons: ReasonCode[] = [open ? 'RULES_ONLY_FAIL_OPEN' : 'RULES_ONLY_FAIL_CLOSED'];
  let action = applyHardRules(open ? 'APPROVE' : 'REVIEW', reported, overLimit, config, reasons);
  if (raising !== 0) {
    pushSignalReasons(raising, reasons);
    action = atLeast(action, 'REVIEW');
  }
  if (!open && !reported && !overLimit && raising === 0) {
    const history = hasCardHistory(features, offset);
    if (history && amount <= config.safeAmount) action = 'APPROVE';
    if (!history) reasons.push('NO_CARD_HISTORY');
    if (amount > config.safeAmount) reasons.push('AMOUNT_ABOVE_SAFE_LIMIT');
  }
  const { review, decline } = config.thresholds;
  const score = action === 'DECLINE' ? decline : action === 'REVIEW' ? review : 0;
  return { action, score, reasons, degraded: true };
}
