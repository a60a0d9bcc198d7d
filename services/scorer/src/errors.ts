/** Stable codes: they appear in logs, dead-letter headers and exit messages, so never rename one. */
export type ScorerErrorCode =
  'BAD_CONFIG' | 'MODEL_LOAD_FAILED' | 'MODEL_MISMATCH' | 'MODEL_FAILED' | 'PRODUCE_FAILED' | 'COMMIT_FAILED';

export class ScorerError extends Error {
  override readonly name = 'ScorerError';
  constructor(
    readonly code: ScorerErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
