/** Error types after which the member must rejoin the group: the batch in hand ends, the process goes on. */
const REJOIN = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'GROUP_LOAD_IN_PROGRESS',
]);

/** The broker error types along kafkajs' chain of causes (it wraps what it gave up retrying). */
export function errorTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string') types.push(e.type);
    e = e.cause as typeof e;
  }
  return types;
}

export type KafkaErrorClass = 'rejoin' | 'retriable' | 'fatal';

/**
 * How the member treats an error out of a batch. Rebalance-class errors: rejoin. Other kafkajs errors
 * (request timeouts, lost connections, leader changes): kafkajs retries them and restarts the consumer itself,
 * reporting a crash it will not restart from as a CRASH event. Anything else is a fault in our own code.
 */
export function classifyKafkaError(error: unknown): KafkaErrorClass {
  const e = error as { type?: unknown; name?: unknown; retriable?: unknown } | null;
  if (errorTypes(error).some((t) => REJOIN.has(t))) return 'rejoin';
  if (e && typeof e.name === 'string' && e.name.startsWith('KafkaJS')) return 'retriable';
  return 'fatal';
}
