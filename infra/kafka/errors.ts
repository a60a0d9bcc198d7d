export type BrokerErrorCode =
  | 'BAD_CONFIG'
  | 'JAVA_MISSING'
  | 'MAVEN_MISSING'
  | 'JARS_FAILED'
  | 'PORT_TAKEN'
  | 'BROKER_EXITED'
  | 'BROKER_TIMEOUT'
  | 'FORMAT_FAILED'
  /** Topic creation through the admin client failed (unreachable brokers, a refused request). */
  | 'TOPICS_FAILED';

/** A failure of the embedded broker's lifecycle or its topics; `message` is one line meant for a person at a terminal. */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    /** Extra lines (e.g. the tail of the broker log) shown below the message. */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
