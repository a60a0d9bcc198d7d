/**
 * The message at the bottom of an error of @platformatic/kafka: it wraps what it retried in MultipleErrors
 * (`errors`, the last attempt last) and causes, and the outer message ("listTopics failed 7 times.") says little
 * on its own. Bounded in depth.
 */
export function innermostMessage(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e !== null && typeof e === 'object'; depth++) {
    const inner = e as { errors?: unknown; cause?: unknown };
    const errors: unknown[] = Array.isArray(inner.errors) ? inner.errors : [];
    const next = errors.length > 0 ? errors[errors.length - 1] : inner.cause;
    if (next === undefined || next === null || typeof next !== 'object') break;
    e = next;
  }
  return e instanceof Error ? e.message : String(e);
}
