/**
 * The scorer's errors. Each has a stable `code` (codes appear in logs, dead-letter headers and exit messages, so
 * never rename one), an optional `cause` and a `retryable` flag saying whether trying again can help.
 */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ScorerErrorCode =
  | 'BAD_CONFIG'
  | 'MODEL_LOAD_FAILED'
  | 'MODEL_MISMATCH'
  | 'MODEL_FAILED'
  | 'PRODUCE_FAILED'
  | 'COMMIT_FAILED'
  | 'RESTORE_FAILED'
  | 'TRANSACTION_FAILED'
  | 'INSTANCE_FENCED';

/** A failure of the running service: configuration, model, Kafka. */
export class ScorerError extends CodedError<ScorerErrorCode> {
  override readonly name = 'ScorerError';
}

export type ValidationErrorCode =
  | 'MISSING_ID'
  | 'ID_TOO_LONG'
  | 'ID_LOOKS_LIKE_PAN'
  | 'FIELD_TOO_LONG'
  | 'AMOUNT_INVALID'
  | 'AMOUNT_TOO_LARGE'
  | 'EVENT_TIME_ABSURD'
  | 'CURRENCY_INVALID'
  | 'COUNTRY_INVALID'
  | 'MCC_INVALID'
  | 'CHANNEL_INVALID'
  | 'POSITION_INVALID'
  | 'LABEL_SCENARIO_MISSING'
  | 'LABEL_REPORTED_BEFORE_EVENT'
  | 'LABEL_REPORTED_IN_FUTURE';

/**
 * A transaction or label that decodes but cannot be used: it goes to the dead-letter topic. Never retryable.
 * The message names the field and the rule, never the value (it travels in a dead-letter header).
 */
export class ValidationError extends CodedError<ValidationErrorCode> {
  override readonly name = 'ValidationError';
  constructor(
    code: ValidationErrorCode,
    /** The Transaction or Label field at fault. */
    readonly field: string,
    message: string,
  ) {
    super(code, message);
  }
}

export function isValidationError(error: unknown): error is ValidationError {
  return error instanceof ValidationError;
}

export type OutputErrorCode = 'DECISION_TOO_LARGE';

/** A record the scorer made but cannot produce (the broker would refuse it): the input goes to the dead letters. */
export class OutputError extends CodedError<OutputErrorCode> {
  override readonly name = 'OutputError';
  constructor(code: OutputErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

export type FeatureErrorCode = 'SPEC_INVALID' | 'SPEC_MISMATCH' | 'CARD_STATE_INVALID';

/** A feature spec the code cannot serve, or card state bytes it cannot import: a deployment fault, not input. */
export class FeatureError extends CodedError<FeatureErrorCode> {
  override readonly name = 'FeatureError';
  constructor(code: FeatureErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

export type ExportErrorCode = 'INPUT_MISSING' | 'INPUT_MALFORMED' | 'TRUTH_MISMATCH';

/** A failure of the training export CLI. */
export class ExportError extends CodedError<ExportErrorCode> {
  override readonly name = 'ExportError';
  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
