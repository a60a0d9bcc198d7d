/** Stable codes, as in the service's other errors. */
export type FeatureErrorCode = 'SPEC_INVALID' | 'SPEC_MISMATCH' | 'CARD_STATE_INVALID';

/** A feature spec the code cannot serve, or card state bytes it cannot import: a deployment fault, not input. */
export class FeatureError extends Error {
  override readonly name = 'FeatureError';
  readonly code: FeatureErrorCode;
  readonly retryable = false;

  constructor(code: FeatureErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
