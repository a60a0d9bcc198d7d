export type SimErrorCode = 'SEND_FAILED' | 'OUTPUT_FAILED';

/** Errors of the simulator, with a stable code (see services' shared error shape). */
export class SimError extends Error {
  override readonly name = 'SimError';
  readonly code: SimErrorCode;
  readonly retryable: boolean;

  constructor(code: SimErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
