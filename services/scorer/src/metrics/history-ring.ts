/** Keeps the last `capacity` items, oldest first. */
export class HistoryRing<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer`);
    this.#capacity = capacity;
  }

  push(item: T): void {
    // A shift per interval (every few seconds) over at most a few hundred items costs nothing worth optimising.
    if (this.#items.length === this.#capacity) this.#items.shift();
    this.#items.push(item);
  }

  toArray(): T[] {
    return [...this.#items];
  }
}
