/** Stable codes of the feature export. */
export type ExportErrorCode = 'BAD_ARGS' | 'INPUT_MISSING' | 'INPUT_MALFORMED' | 'TRUTH_MISMATCH';

export class ExportError extends Error {
  override readonly name = 'ExportError';
  readonly code: ExportErrorCode;
  readonly retryable = false;

  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
