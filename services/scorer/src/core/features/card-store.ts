import {
  CARD_LAYOUT_VERSION,
  CARD_RECORD_BYTES,
  FRAUD_REPORTED_AT_F64,
  HAS_PREV,
  LAST_TIME_F64,
  STATE_FLAGS_U8,
  VERSION_U8,
} from './card-layout.ts';
import { FeatureError } from '../../errors.ts';
import { DAY_MS } from './feature-params.ts';

/** Views of one page of card records; a record's fields are at `recordIndex * (CARD_RECORD_BYTES / size) + field`. */
export interface CardPage {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
}

export const PAGE_BITS = 12;
export const PAGE_RECORDS = 1 << PAGE_BITS;
export const PAGE_MASK = PAGE_RECORDS - 1;
const MAX_SLAB_PAGES = 64;

export interface CardStoreOptions {
  /** A card idle longer than this (event time) starts afresh at its next transaction. Default 45 days. */
  idleDays?: number;
}

/**
 * Per-card feature state of the partitions one scorer owns: a Map from card id to a slot, and fixed-size
 * records (`card-layout.ts`) in pages of 4096 that are allocated as cards arrive and never moved, so growth
 * copies nothing. Evicted slots are reused. Each slot also names its card, so the idle sweep walks slots.
 */
export class CardStore {
  readonly idleMs: number;
  readonly #slots = new Map<string, number>();
  readonly #pages: CardPage[] = [];
  readonly #free: number[] = [];
  #nextSlot = 0;
  /** Card id of each slot (undefined: free), so a sweep can walk slots without allocating. */
  readonly #idOfSlot: (string | undefined)[] = [];
  /** Input partition that owns each slot's card (-1: none yet, e.g. a record holding only a fraud report). */
  readonly #partitionOfSlot: number[] = [];
  /** Next slot the idle sweep in progress looks at; -1 between passes. */
  #sweepSlot = -1;

  constructor(options?: CardStoreOptions) {
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new Error('card state layout assumes a little-endian platform');
    }
    const idleDays = options?.idleDays ?? 45;
    if (!(idleDays > 0)) throw new RangeError(`idleDays must be positive, got ${idleDays}`);
    this.idleMs = idleDays * DAY_MS;
  }

  /** Cards held. */
  get size(): number {
    return this.#slots.size;
  }

  /** Bytes of record storage allocated (pages), excluding the Map and the id strings. */
  get recordBytes(): number {
    return this.#pages.length * PAGE_RECORDS * CARD_RECORD_BYTES;
  }

  cardIds(): IterableIterator<string> {
    return this.#slots.keys();
  }

  has(cardId: string): boolean {
    return this.#slots.has(cardId);
  }

  /**
   * For the feature code: the slot of `cardId`, created empty if absent, cleared if the card has been idle
   * longer than `idleMs` before `eventTime`. Clearing here, not only in `evictIdle`, keeps features independent
   * of when sweeps happen to run.
   */
  acquire(cardId: string, eventTime: number, partition = -1): number {
    const slot = this.#slots.get(cardId);
    if (slot === undefined) {
      const fresh = this.#allocate(cardId);
      this.#partitionOfSlot[fresh] = partition;
      return fresh;
    }
    this.#partitionOfSlot[slot] = partition;
    const f64 = this.pageOf(slot).f64;
    const b64 = (slot & PAGE_MASK) * (CARD_RECORD_BYTES / 8);
    if (eventTime - f64[b64 + LAST_TIME_F64]! > this.idleMs) {
      // The history goes; a fraud report recent enough to matter stays.
      const reportedAt = f64[b64 + FRAUD_REPORTED_AT_F64]!;
      this.#clear(slot);
      if (reportedAt !== 0 && eventTime - reportedAt <= this.idleMs) f64[b64 + FRAUD_REPORTED_AT_F64] = reportedAt;
    }
    return slot;
  }

  pageOf(slot: number): CardPage {
    return this.#pages[slot >>> PAGE_BITS]!;
  }

  /**
   * Records a fraud report on a card (the labels topic is keyed by card like the input, so route each label to
   * the store of its partition). `card_fraud_reported` turns on from `reportedAt`. A card without state gets a
   * record holding only the report, idle from `reportedAt`, so replaying the labels topic restores the flag.
   */
  markFraudReported(cardId: string, reportedAt: number): void {
    let slot = this.#slots.get(cardId);
    if (slot === undefined) {
      slot = this.#allocate(cardId);
    }
    const { f64, u8 } = this.pageOf(slot);
    const b64 = (slot & PAGE_MASK) * (CARD_RECORD_BYTES / 8);
    // No idle reset here: labels may run ahead of the card's transactions (the labels topic is re-read from the
    // start), and the card's own next transaction decides whether its history is stale.
    const current = f64[b64 + FRAUD_REPORTED_AT_F64]!;
    if (current === 0 || reportedAt < current) f64[b64 + FRAUD_REPORTED_AT_F64] = reportedAt;
    // Only a report-only record takes its idle clock from the report: a card's own clock is its transactions.
    const hasPrev = (u8[(slot & PAGE_MASK) * CARD_RECORD_BYTES + STATE_FLAGS_U8]! & HAS_PREV) !== 0;
    if (!hasPrev && reportedAt > f64[b64 + LAST_TIME_F64]!) f64[b64 + LAST_TIME_F64] = reportedAt;
  }

  /**
   * Frees the cards whose last transaction (or fraud report) is more than `idleMs` plus a day of grace before
   * `now` (event time; pass the partition's latest). The grace keeps a sweep from outrunning a slightly late
   * record. Returns how many were evicted. One whole pass, O(cards): a tool's call, not the scorer's hot path,
   * which sweeps with `evictIdleStep`.
   */
  evictIdle(now: number): number {
    this.#sweepSlot = -1;
    return this.evictIdleStep(now, Number.POSITIVE_INFINITY);
  }

  /**
   * One bounded step of an idle sweep: looks at up to `maxCards` slots, continuing the pass the previous step
   * left off (a pass starts with the first step after the previous one ended), and evicts the cards idle as in
   * `evictIdle` against this step's `now`. Returns how many were evicted; `sweeping` says whether the pass has
   * slots left. Allocates nothing, so a step costs no garbage collection either.
   */
  evictIdleStep(now: number, maxCards: number): number {
    const cutoff = now - this.idleMs - DAY_MS;
    const ids = this.#idOfSlot;
    let slot = this.#sweepSlot < 0 ? 0 : this.#sweepSlot;
    const end = Math.min(this.#nextSlot, slot + maxCards);
    let evicted = 0;
    for (; slot < end; slot++) {
      const cardId = ids[slot];
      if (cardId === undefined) continue;
      const f64 = this.pageOf(slot).f64;
      const b64 = (slot & PAGE_MASK) * (CARD_RECORD_BYTES / 8);
      if (Math.max(f64[b64 + LAST_TIME_F64]!, f64[b64 + FRAUD_REPORTED_AT_F64]!) < cutoff) {
        this.#release(cardId, slot);
        evicted++;
      }
    }
    this.#sweepSlot = slot < this.#nextSlot ? slot : -1;
    return evicted;
  }

  /** Whether an idle sweep pass started by `evictIdleStep` has slots left to look at. */
  get sweeping(): boolean {
    return this.#sweepSlot >= 0;
  }

  deleteCard(cardId: string): boolean {
    const slot = this.#slots.get(cardId);
    if (slot === undefined) return false;
    this.#release(cardId, slot);
    return true;
  }

  /** A copy of the card's state record (`CARD_RECORD_BYTES`, little-endian, fixed layout), for a changelog. */
  exportCard(cardId: string): Uint8Array | undefined {
    const slot = this.#slots.get(cardId);
    if (slot === undefined) return undefined;
    const start = (slot & PAGE_MASK) * CARD_RECORD_BYTES;
    return this.pageOf(slot).u8.slice(start, start + CARD_RECORD_BYTES);
  }

  /**
   * Replaces (or creates) the card's state with bytes from `exportCard`, owned by `partition`. A fraud report
   * already held for the card (labels are read by every instance, the changelog only by the owner) is kept when
   * it is earlier than the imported one's.
   */
  importCard(cardId: string, bytes: Uint8Array, partition = -1): void {
    if (bytes.length !== CARD_RECORD_BYTES || bytes[VERSION_U8] !== CARD_LAYOUT_VERSION) {
      throw new FeatureError(
        'CARD_STATE_INVALID',
        `card state must be ${CARD_RECORD_BYTES} bytes of layout version ${CARD_LAYOUT_VERSION}, ` +
          `got ${bytes.length} bytes of version ${bytes[VERSION_U8]}`,
      );
    }
    let slot = this.#slots.get(cardId);
    if (slot === undefined) {
      slot = this.#allocate(cardId);
    }
    const page = this.pageOf(slot);
    const b64 = (slot & PAGE_MASK) * (CARD_RECORD_BYTES / 8);
    const held = page.f64[b64 + FRAUD_REPORTED_AT_F64]!;
    page.u8.set(bytes, (slot & PAGE_MASK) * CARD_RECORD_BYTES);
    const imported = page.f64[b64 + FRAUD_REPORTED_AT_F64]!;
    if (held !== 0 && (imported === 0 || held < imported)) page.f64[b64 + FRAUD_REPORTED_AT_F64] = held;
    this.#partitionOfSlot[slot] = partition;
  }

  /**
   * Drops the state of the cards `partition` owns (it was revoked, or its state is restored again). A fraud
   * report survives as a report-only record: the labels are not read again.
   */
  dropPartition(partition: number): number {
    let dropped = 0;
    for (let slot = 0; slot < this.#nextSlot; slot++) {
      const cardId = this.#idOfSlot[slot];
      if (cardId === undefined || this.#partitionOfSlot[slot] !== partition) continue;
      dropped++;
      const f64 = this.pageOf(slot).f64;
      const b64 = (slot & PAGE_MASK) * (CARD_RECORD_BYTES / 8);
      const reportedAt = f64[b64 + FRAUD_REPORTED_AT_F64]!;
      if (reportedAt === 0) {
        this.#release(cardId, slot);
        continue;
      }
      this.#clear(slot);
      f64[b64 + FRAUD_REPORTED_AT_F64] = reportedAt;
      f64[b64 + LAST_TIME_F64] = reportedAt;
      this.#partitionOfSlot[slot] = -1;
    }
    return dropped;
  }

  #allocate(cardId: string): number {
    const slot = this.#free.pop() ?? this.#newSlot();
    this.#slots.set(cardId, slot);
    this.#idOfSlot[slot] = cardId;
    this.#partitionOfSlot[slot] = -1;
    return slot;
  }

  #release(cardId: string, slot: number): void {
    this.#slots.delete(cardId);
    this.#idOfSlot[slot] = undefined;
    this.#clear(slot);
    this.#free.push(slot);
  }

  #newSlot(): number {
    const slot = this.#nextSlot++;
    if (slot >>> PAGE_BITS === this.#pages.length) this.#addPages();
    this.pageOf(slot).u8[(slot & PAGE_MASK) * CARD_RECORD_BYTES + VERSION_U8] = CARD_LAYOUT_VERSION;
    return slot;
  }

  /**
   * Pages come in slabs, one ArrayBuffer each, as many pages as the store has (1, 1, 2, 4, … up to 64, 200 MiB):
   * V8 answers every 64 MiB of new ArrayBuffer memory with a full collection, so a million cards restored into
   * 3 MiB pages one by one cost 12 of them more, each marking every card id held. A slot is initialised when
   * first used, so the slab's untouched pages stay zero pages the OS has not committed.
   */
  #addPages(): void {
    const pageBytes = PAGE_RECORDS * CARD_RECORD_BYTES;
    const count = Math.min(MAX_SLAB_PAGES, Math.max(1, this.#pages.length));
    const buffer = new ArrayBuffer(pageBytes * count);
    for (let k = 0; k < count; k++) {
      const at = k * pageBytes;
      this.#pages.push({
        f64: new Float64Array(buffer, at, pageBytes / 8),
        u32: new Uint32Array(buffer, at, pageBytes / 4),
        u16: new Uint16Array(buffer, at, pageBytes / 2),
        u8: new Uint8Array(buffer, at, pageBytes),
      });
    }
  }

  #clear(slot: number): void {
    const start = (slot & PAGE_MASK) * CARD_RECORD_BYTES;
    const u8 = this.pageOf(slot).u8;
    u8.fill(0, start, start + CARD_RECORD_BYTES);
    u8[start + VERSION_U8] = CARD_LAYOUT_VERSION;
  }
}
