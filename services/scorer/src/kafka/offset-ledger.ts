/**
 * The commit bookkeeping of a consumer-group member, with no client in it. Offsets become committable only once
 * the decisions of every record before them are acknowledged, never move backwards, and belong to the
 * generation that fetched them: a rebalance starts a new generation, and an acknowledgement that arrives for a
 * generation that has ended is dropped (its records are decided again by the partition's next owner), so
 * nothing is ever committed for a partition this member no longer owns.
 *
 * A rebalance is two steps, as Kafka's eager protocol has them: `revoke()` when it begins (no new work starts;
 * acknowledgements of work already sent still count, so they can be committed before the partitions are given
 * up), then `assign(partitions)` when the member has joined again.
 */
export class OffsetLedger {
  #generation = 0;
  #revoking = false;
  readonly #owned = new Set<number>();
  /** Next offset to commit per partition, acknowledged but not committed yet. */
  readonly #committable = new Map<number, bigint>();
  /** The highest acknowledged next-offset per partition in this generation. */
  readonly #highest = new Map<number, bigint>();

  /** The generation new work is tagged with; work of an older one is stale. */
  get generation(): number {
    return this.#generation;
  }

  get owned(): ReadonlySet<number> {
    return this.#owned;
  }

  /** True while a rebalance is under way: no new chunk should start. */
  get revoking(): boolean {
    return this.#revoking;
  }

  /** May work of `generation` on `partition` still start? */
  isCurrent(generation: number, partition: number): boolean {
    return generation === this.#generation && !this.#revoking && this.#owned.has(partition);
  }

  /** A rebalance has begun: every owned partition is about to be given up. Returns them. Idempotent. */
  revoke(): number[] {
    this.#revoking = true;
    return [...this.#owned];
  }

  /**
   * The member joined with `partitions`: a new generation. What was committable and not committed is dropped:
   * the client resumes each partition from its committed offset, so the records after it are decided again.
   * Returns the partitions lost since the last assignment.
   */
  assign(partitions: readonly number[]): number[] {
    const lost = [...this.#owned].filter((p) => !partitions.includes(p));
    this.#generation++;
    this.#revoking = false;
    this.#owned.clear();
    for (const p of partitions) this.#owned.add(p);
    this.#committable.clear();
    this.#highest.clear();
    return lost;
  }

  /**
   * The decisions of `partition` up to `next` (exclusive) are acknowledged. Counts only for the current
   * generation (also while it is being revoked) and a partition it owns. Returns whether it counted.
   */
  acknowledged(generation: number, partition: number, next: bigint): boolean {
    if (generation !== this.#generation || !this.#owned.has(partition)) return false;
    // Never move a partition's commit point backwards, whatever order acknowledgements arrive in.
    if (next > (this.#highest.get(partition) ?? -1n)) {
      this.#highest.set(partition, next);
      this.#committable.set(partition, next);
    }
    return true;
  }

  /** Takes what is committable now, for one commit request. */
  take(): { generation: number; offsets: [partition: number, next: bigint][] } {
    const offsets = [...this.#committable];
    this.#committable.clear();
    return { generation: this.#generation, offsets };
  }

  /** A commit of `taken` failed and may be tried again: puts back what nothing newer has replaced. */
  putBack(taken: { generation: number; offsets: readonly (readonly [number, bigint])[] }): void {
    if (taken.generation !== this.#generation) return;
    for (const [partition, next] of taken.offsets)
      if (this.#owned.has(partition) && !this.#committable.has(partition)) this.#committable.set(partition, next);
  }
}
