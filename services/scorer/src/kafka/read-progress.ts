/** Reads a topic's first and end offsets, per partition (index = partition). */
export interface TopicOffsets {
  range(topic: string): Promise<{ first: readonly bigint[]; end: readonly bigint[] }>;
}

/**
 * How far a topic read from its start has got, per partition, and a wait until it has read everything that was
 * in the topic at the moment of asking (the end offsets then), for state that must be complete before use.
 */
export class ReadProgress {
  readonly #topic: string;
  /** Next offset to read, per partition. */
  readonly #positions = new Map<number, bigint>();
  readonly #waiters = new Set<{ targets: Map<number, bigint>; done: () => void }>();

  constructor(topic: string) {
    this.#topic = topic;
  }

  /** The partition is read again from its start (a new assignment). */
  restart(partition: number): void {
    this.#positions.delete(partition);
  }

  /** Records up to `next` (exclusive) of `partition` have been applied. */
  advance(partition: number, next: bigint): void {
    this.#positions.set(partition, next);
    for (const waiter of this.#waiters) if (this.#reached(waiter.targets)) waiter.done();
  }

  /** Resolves once every partition has been read up to its end offset as of now; rejects after `timeoutMs`. */
  async caughtUp(offsets: TopicOffsets, timeoutMs: number): Promise<void> {
    const targets = new Map<number, bigint>();
    const { first, end } = await offsets.range(this.#topic);
    for (let p = 0; p < end.length; p++) if (end[p]! > (first[p] ?? 0n)) targets.set(p, end[p]!);
    if (this.#reached(targets)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        targets,
        done: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.#topic} not read to its end after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #reached(targets: ReadonlyMap<number, bigint>): boolean {
    for (const [partition, end] of targets) if ((this.#positions.get(partition) ?? 0n) < end) return false;
    return true;
  }
}
