/** Error ids after which the member must rejoin the group: the batch in hand ends, the process goes on. */
const REJOIN = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'MEMBER_ID_REQUIRED',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);

interface ClientError {
  readonly apiId?: unknown;
  readonly code?: unknown;
  readonly errors?: unknown;
  readonly cause?: unknown;
}

/**
 * The broker error ids (`apiId`, e.g. `MESSAGE_TOO_LARGE`) anywhere in an error of @platformatic/kafka: it
 * wraps what it gave up retrying in MultipleErrors (`errors`) and causes. Bounded in depth and count.
 */
export function errorIds(error: unknown): string[] {
  const ids: string[] = [];
  const queue: { e: unknown; depth: number }[] = [{ e: error, depth: 0 }];
  for (let seen = 0; queue.length > 0 && seen < 64; seen++) {
    const { e, depth } = queue.shift()!;
    if (e === null || typeof e !== 'object' || depth > 6) continue;
    const c = e as ClientError;
    if (typeof c.apiId === 'string') ids.push(c.apiId);
    if (Array.isArray(c.errors)) for (const inner of c.errors) queue.push({ e: inner, depth: depth + 1 });
    if (c.cause !== undefined) queue.push({ e: c.cause, depth: depth + 1 });
  }
  return ids;
}

/**
 * The message of the first error inside `error` (its `errors[0]` or `cause`, all the way down): the client wraps
 * its retries' failures as "fetch failed 11 times.", which says nothing of why.
 */
export function innermostMessage(error: unknown): string | undefined {
  let e = error as ClientError | undefined;
  let message: string | undefined;
  for (let depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const inner: unknown = Array.isArray(e.errors) && e.errors.length > 0 ? e.errors[0] : e.cause;
    if (inner === undefined || inner === null || typeof inner !== 'object') break;
    e = inner;
    if (typeof (inner as Error).message === 'string') message = (inner as Error).message;
  }
  return message;
}

export type KafkaErrorClass = 'rejoin' | 'retriable' | 'fatal';

/**
 * Another live process joined the group with this member's `group.instance.id` (two instances given one
 * `SCORER_INSTANCE_ID`). Rejoining would take the group back from it, and it from us, for ever; as in Kafka's
 * Java consumer the fenced member stops (the client is patched not to rejoin by itself).
 */
export const INSTANCE_FENCED = 'FENCED_INSTANCE_ID';

/**
 * How the member treats an error. Rebalance-class errors: rejoin. Other errors of the client (its codes all
 * start with `PLT_KFK_`: lost connections, timeouts, leader changes it gave up on) are retried by starting the
 * stream again. A client error that says it is a mistake of ours (`PLT_KFK_USER`), and anything else, is fatal.
 */
export function classifyKafkaError(error: unknown): KafkaErrorClass {
  const ids = errorIds(error);
  if (ids.includes(INSTANCE_FENCED)) return 'fatal';
  if (ids.some((id) => REJOIN.has(id))) return 'rejoin';
  const code = (error as ClientError | null)?.code;
  if (typeof code === 'string' && code.startsWith('PLT_KFK_') && code !== 'PLT_KFK_USER') return 'retriable';
  return 'fatal';
}
