import { errorIds } from './kafka-errors.ts';

/** The coordinator or a partition leader knows a newer epoch of our transactional id than our producer's. */
const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);
/** The cluster refuses the transactional id or its timeout: configuration, which no new producer mends. */
const REFUSED = new Set(['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_TRANSACTION_TIMEOUT']);

export type AbortVerdict = 'recover' | 'fenced' | 'stop';

/**
 * What an aborted transaction means for the instance. Most aborts (a lost connection, a leader change, a
 * rebalance) are recovered: the partitions go back to their committed offsets and state. A fenced producer is
 * recovered too, once: the transaction coordinator bumps the epoch itself when it aborts a transaction left open
 * past its timeout (a broker down for longer, a process paused by the machine), and the instance's next producer
 * takes a newer epoch. Fenced again within `againWithinMs` means another live instance has our transactional id
 * (two instances given one `SCORER_INSTANCE_ID`): each new producer of one fences the other's, so this one stops.
 */
export class AbortJudge {
  readonly #againWithinMs: number;
  #lastFencedAt = Number.NEGATIVE_INFINITY;

  constructor(againWithinMs: number) {
    this.#againWithinMs = againWithinMs;
  }

  judge(error: unknown, nowMs: number): AbortVerdict {
    const ids = errorIds(error);
    if (ids.some((id) => REFUSED.has(id))) return 'stop';
    if (!ids.some((id) => FENCED.has(id))) return 'recover';
    const again = nowMs - this.#lastFencedAt < this.#againWithinMs;
    this.#lastFencedAt = nowMs;
    return again ? 'stop' : 'fenced';
  }
}
