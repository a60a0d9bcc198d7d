import type { OutRecord } from '../core/scoring/records.ts';
import type { GroupGeneration } from './group-member.ts';

/** One Kafka transaction, as the window needs it (@platformatic/kafka's `Transaction` with the group's offsets). */
export interface TransactionPort {
  /** Sends records in the transaction; the window sends one request at a time. */
  send(records: readonly OutRecord[]): Promise<void>;
  /**
   * Adds the consumed offsets (next offset per input partition) under the group generation their records were
   * fetched under (the member's current one when not known): a member that has since lost the partitions in a
   * rebalance is refused by the coordinator, even if it has joined the next generation meanwhile.
   */
  sendOffsets(
    offsets: readonly (readonly [partition: number, next: bigint])[],
    generation: GroupGeneration | undefined,
  ): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface TransactionWindowOptions {
  /** A window commits this long after its first record at the latest. */
  readonly intervalMs: number;
  /** ... or once it holds this many input records. */
  readonly maxRecords: number;
  /** Opens a transaction (the producer's; may create a new producer after a failure). */
  readonly begin: () => Promise<TransactionPort>;
  /**
   * A transaction failed and was aborted (or could not even be aborted): every window in hand is rejected, and
   * the owner must put its partitions back to their committed offsets and state.
   */
  readonly onAborted: (error: unknown) => void;
  /** A transaction committed. */
  readonly onCommitted?: () => void;
}

interface Window {
  records: OutRecord[];
  offsets: Map<number, bigint>;
  inputs: number;
  generation: GroupGeneration | undefined;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** Rejects the sends of a window that was aborted, or dropped because an earlier one was. */
export class TransactionAborted extends Error {
  override readonly name = 'TransactionAborted';
}

/**
 * Exactly-once delivery: the outputs of every chunk (decisions, dead letters, changelog and counts records) and
 * the input offset after it collect in a window; a window commits as one Kafka transaction with the offsets
 * (sent with the group's generation, KIP-447, so a member that has lost its partitions cannot commit for them),
 * after `intervalMs` or `maxRecords`, whichever first. One transaction at a time: while one commits, the next
 * window fills. A chunk's `add` resolves when its transaction has committed, and rejects if it was aborted;
 * after an abort every window in hand is dropped (their records are fetched and decided again from the
 * committed offsets, on state restored to match).
 */
export class TransactionWindow {
  readonly #options: TransactionWindowOptions;
  #open: Window = emptyWindow();
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> = Promise.resolve();
  /** Windows sealed and not yet committed (at most the one committing and the one queued). */
  readonly #sealed = new Set<Window>();
  /** Set by `close`: what every later chunk is refused with. */
  #closedBy: TransactionAborted | undefined;

  constructor(options: TransactionWindowOptions) {
    this.#options = options;
  }

  /** Input records in the open window. */
  get pending(): number {
    return this.#open.inputs;
  }

  /**
   * Adds one chunk: its output records and the offset after its last input record (`inputs` of them). Resolves
   * once committed; rejects with `TransactionAborted` (or the failure) if its transaction did not commit.
   */
  add(
    partition: number,
    next: bigint,
    inputs: number,
    records: readonly OutRecord[],
    generation?: GroupGeneration,
  ): Promise<void> {
    if (this.#closedBy !== undefined) return Promise.reject(this.#closedBy);
    // One generation per transaction: a chunk of another one (a rebalance's late chunk) starts a new window.
    if (this.#open.waiters.length > 0 && !sameGeneration(this.#open.generation, generation)) void this.flush();
    const w = this.#open;
    if (w.waiters.length === 0) w.generation = generation;
    for (const r of records) w.records.push(r);
    const prior = w.offsets.get(partition);
    if (prior === undefined || next > prior) w.offsets.set(partition, next);
    w.inputs += inputs;
    const done = new Promise<void>((resolve, reject) => w.waiters.push({ resolve, reject }));
    if (w.inputs >= this.#options.maxRecords) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.intervalMs);
    return done;
  }

  /** Seals the open window and commits it after those before it. Resolves when it is done (never rejects). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const w = this.#open;
    if (w.waiters.length === 0) return this.#committing;
    this.#open = emptyWindow();
    this.#sealed.add(w);
    this.#committing = this.#committing.then(() => this.#commit(w));
    return this.#committing;
  }

  /** Drops the open window and the sealed ones not yet started, rejecting their chunks (a reset of all state). */
  dropAll(reason: unknown): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const open = this.#open;
    this.#open = emptyWindow();
    for (const w of [...this.#sealed, open]) {
      this.#sealed.delete(w);
      for (const waiter of w.waiters) waiter.reject(reason);
      w.waiters.length = 0;
    }
  }

  /**
   * The instance stops on `reason`: every window in hand is dropped and every later chunk refused, so nothing
   * more is committed and no transaction (nor producer) is begun on the way out.
   */
  close(reason: unknown): void {
    this.#closedBy = new TransactionAborted('the instance is stopping', { cause: reason });
    this.dropAll(this.#closedBy);
  }

  async #commit(w: Window): Promise<void> {
    // Dropped by an abort before its turn.
    if (!this.#sealed.has(w)) return;
    let txn: TransactionPort | undefined;
    try {
      txn = await this.#options.begin();
      // The records and the offsets at once: neither needs the other, and each waits a round trip or two.
      const sent = await Promise.allSettled([
        w.records.length > 0 ? txn.send(w.records) : undefined,
        txn.sendOffsets([...w.offsets], w.generation),
      ]);
      for (const s of sent) if (s.status === 'rejected') throw s.reason;
      await txn.commit();
    } catch (error) {
      await txn?.abort().catch(() => {});
      this.#sealed.delete(w);
      for (const waiter of w.waiters) waiter.reject(error);
      this.dropAll(new TransactionAborted('an earlier transaction was aborted'));
      this.#options.onAborted(error);
      return;
    }
    this.#sealed.delete(w);
    this.#options.onCommitted?.();
    for (const waiter of w.waiters) waiter.resolve();
  }
}

function emptyWindow(): Window {
  return { records: [], offsets: new Map(), inputs: 0, generation: undefined, waiters: [] };
}

function sameGeneration(a: GroupGeneration | undefined, b: GroupGeneration | undefined): boolean {
  return a?.generationId === b?.generationId && a?.memberId === b?.memberId;
}
