/**
 * Stable codes: scripts and the report name them, so never rename one. A bad flag is a `FlagError` of the shared
 * flags module (services/cli/src/flags.ts), code `BAD_FLAG`, not a `BenchError`.
 */
export type BenchErrorCode =
  | 'BROKER_FAILED'
  | 'CHILD_FAILED'
  | 'SEND_FAILED'
  | 'READ_FAILED'
  | 'FAULT_FAILED'
  | 'BASELINE_FAILED'
  | 'SCORER_API_FAILED'
  | 'DRAIN_TIMEOUT'
  | 'ABORTED';

export class BenchError extends Error {
  override readonly name = 'BenchError';
  readonly code: BenchErrorCode;
  readonly retryable: boolean;

  constructor(code: BenchErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
