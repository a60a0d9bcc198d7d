/** Stable codes: the scorer names them in dead-letter headers, so never rename one. */
export type SchemaErrorCode =
  | 'BAD_MAGIC'
  | 'UNKNOWN_SCHEMA'
  | 'SCHEMA_MISMATCH'
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'MALFORMED'
  | 'INVALID_RECORD'
  | 'BAD_CATALOGUE';

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly code: SchemaErrorCode;
  /** Bad bytes stay bad: retrying a decode never helps. */
  readonly retryable = false;

  constructor(code: SchemaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isSchemaError(error: unknown): error is SchemaError {
  return error instanceof SchemaError;
}
