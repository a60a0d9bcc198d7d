import type { Label } from '../../../../../schemas/src/types.ts';
import { DAY_MS, LABEL_DELAY_DAYS, WINDOWS_DAYS } from './feature-params.ts';

export interface TerminalAggregateOptions {
  /** Days of per-day counts kept per terminal; at least delay + longest window + 1. Default 45 (a week of slack). */
  ringDays?: number;
  labelDelayDays?: number;
  windowsDays?: readonly number[];
  /**
   * How many days past the newest transaction day a label or a shared count may be and still count. Default
   * 366: any lag between instances fits, a year-9999 record does not.
   */
  maxAheadDays?: number;
}

/** Called with an owner's count of one (terminal, day) cell. */
export type CellVisitor = (owner: number, terminalId: string, day: number, count: number) => void;
/** Called with a (owner, terminal, day) cell that has left the ring: its shared record can be deleted. */
export type ExpiredVisitor = (owner: number, terminalId: string, day: number) => void;

/** The owner of a transaction that names none (a replay has a single one). */
export const DEFAULT_OWNER = 0;
const INITIAL_TERMINALS = 1024;
const EMPTY = -1;
/** Label ids looked at per `addLabel` for forgetting: keeps the id map bounded with no day-change stall. */
const LABEL_PRUNE_STEP = 8;

/**
 * Per-terminal, per-day transaction and fraud counts (days are UTC days since the epoch) for the delayed
 * terminal features. Several scorer instances see disjoint parts of every terminal's traffic, so transaction
 * counts are kept per owner, the input partition the transaction came from, and summed. Owners this instance
 * counts into are *owned* here: their changed cells are handed out to be shared (`drainDirty`), and so are their
 * cells that leave the ring (`drainExpired`). Other owners are set from the shared record (`setTransactions`,
 * last-write-wins per cell, so replaying a compacted topic is idempotent).
 *
 * The newest day, against which "too old" and "too far ahead" are judged, moves with transactions only, so a
 * label or shared count from the far future cannot make every genuine one look too old. Every instance reads
 * the whole labels topic, so frauds need no merging; a label counts only from its `reportedAt`, which makes the
 * answer independent of when the label happened to arrive.
 */
export class TerminalAggregate {
  readonly ringDays: number;
  readonly labelDelayDays: number;
  readonly windowsDays: readonly number[];
  readonly maxAheadDays: number;
  readonly #maxWindow: number;
  readonly #slots = new Map<string, number>();
  readonly #ids: string[] = [];
  readonly #ownerIndex = new Map<number, number>();
  readonly #ownerIds: number[] = [];
  readonly #owned: boolean[] = [];
  #ownerCounts: Uint32Array[] = [];
  #ownerDirty: Uint8Array[] = [];
  /** [ownerIndex, cell, ...] of owned cells changed since the last drain. */
  #dirty: number[] = [];
  /** [ownerIndex, slot, day, ...] of owned cells that left the ring, when tracked. */
  #expired: number[] = [];
  #trackExpired = false;
  #expirySlot = 0;
  #lastOwner: number | undefined;
  #lastOwnerIndex = -1;
  #capacity = INITIAL_TERMINALS;
  #dayTag: Int32Array;
  #total: Uint32Array;
  #frauds: Uint32Array;
  /** Per terminal: [eventDay, reportedAt, eventDay, reportedAt, ...] of labels. */
  readonly #labels: (number[] | undefined)[] = [];
  /** transactionId → event day of every label counted, to drop redeliveries. */
  readonly #seenLabels = new Map<string, number>();
  #labelPrune: MapIterator<[string, number]> | undefined;
  #newestDay = EMPTY;

  constructor(options?: TerminalAggregateOptions) {
    this.labelDelayDays = options?.labelDelayDays ?? LABEL_DELAY_DAYS;
    this.windowsDays = [...(options?.windowsDays ?? WINDOWS_DAYS)];
    this.#maxWindow = this.windowsDays[this.windowsDays.length - 1] ?? 0;
    const needed = this.labelDelayDays + this.#maxWindow + 1;
    this.ringDays = options?.ringDays ?? Math.max(45, needed);
    this.maxAheadDays = options?.maxAheadDays ?? 366;
    if (this.windowsDays.some((w, i) => !Number.isInteger(w) || w < 1 || w <= (this.windowsDays[i - 1] ?? 0))) {
      throw new RangeError(`windowsDays must be ascending positive integers, got ${this.windowsDays.join(',')}`);
    }
    if (!Number.isInteger(this.ringDays) || this.ringDays < needed) {
      throw new RangeError(`ringDays must be an integer of at least ${needed}, got ${this.ringDays}`);
    }
    if (!Number.isInteger(this.maxAheadDays) || this.maxAheadDays < 1) {
      throw new RangeError(`maxAheadDays must be a positive integer, got ${this.maxAheadDays}`);
    }
    const cells = this.#capacity * this.ringDays;
    this.#dayTag = new Int32Array(cells).fill(EMPTY);
    this.#total = new Uint32Array(cells);
    this.#frauds = new Uint32Array(cells);
  }

  /** Terminals held. */
  get size(): number {
    return this.#slots.size;
  }

  /** Terminal-day cells held: a ring of `ringDays` per terminal. */
  get cells(): number {
    return this.#slots.size * this.ringDays;
  }

  /** The newest day of a transaction counted here; -1 before the first. */
  get newestDay(): number {
    return this.#newestDay;
  }

  /** Adds `n` transactions of `owner`; returns that owner's new count for the day (-1: day out of range). */
  addTransactions(terminalId: string, day: number, n: number, owner: number = DEFAULT_OWNER): number {
    return this.#addAt(this.#slotFor(terminalId), day, n, owner);
  }

  #addAt(slot: number, day: number, n: number, owner: number): number {
    if (!this.#advance(day)) return -1;
    const cell = this.#cell(slot, day);
    if (cell < 0) return -1;
    const s = this.#owner(owner);
    // A owner counted into here is published from here (a replay or a scorer that never names its partitions).
    this.#owned[s] = true;
    const counts = this.#ownerCounts[s]!;
    const count = counts[cell]! + n;
    counts[cell] = count;
    this.#total[cell] = this.#total[cell]! + n;
    const dirty = this.#ownerDirty[s]!;
    if (dirty[cell] === 0) {
      dirty[cell] = 1;
      this.#dirty.push(s, cell);
    }
    return count;
  }

  /** Sets `owner`'s count for (terminal, day) from the shared record; 0 deletes it. False: day out of range. */
  setTransactions(owner: number, terminalId: string, day: number, n: number): boolean {
    if (n === 0) return this.deleteTransactions(owner, terminalId, day);
    const cell = this.#cell(this.#slotFor(terminalId), day);
    if (cell < 0) return false;
    const counts = this.#ownerCounts[this.#owner(owner)]!;
    this.#total[cell] = this.#total[cell]! + n - counts[cell]!;
    counts[cell] = n;
    return true;
  }

  /**
   * Forgets every count of `owner` and what of it was pending (its state is about to be restored from the shared
   * record); the owner is no longer owned here.
   */
  clearOwner(owner: number): void {
    const s = this.#ownerIndex.get(owner);
    if (s === undefined) return;
    this.release(owner);
    const counts = this.#ownerCounts[s]!;
    for (let cell = 0; cell < counts.length; cell++) {
      const n = counts[cell]!;
      if (n !== 0) {
        this.#total[cell] = this.#total[cell]! - n;
        counts[cell] = 0;
      }
    }
  }

  /** Forgets `owner`'s count for (terminal, day), e.g. on a tombstone; false if there was none held. */
  deleteTransactions(owner: number, terminalId: string, day: number): boolean {
    const cell = this.#readCell(terminalId, day);
    const s = this.#ownerIndex.get(owner);
    if (cell < 0 || s === undefined) return false;
    const counts = this.#ownerCounts[s]!;
    this.#total[cell] = this.#total[cell]! - counts[cell]!;
    counts[cell] = 0;
    return true;
  }

  /** All owners' transactions of the terminal on that day. */
  transactions(terminalId: string, day: number): number {
    const cell = this.#readCell(terminalId, day);
    return cell < 0 ? 0 : this.#total[cell]!;
  }

  transactionsFrom(owner: number, terminalId: string, day: number): number {
    const cell = this.#readCell(terminalId, day);
    const s = this.#ownerIndex.get(owner);
    return cell < 0 || s === undefined ? 0 : this.#ownerCounts[s]![cell]!;
  }

  /** Frauds on transactions of that day that count from the start (no report time). */
  addFrauds(terminalId: string, day: number, n: number): boolean {
    const cell = this.#cell(this.#slotFor(terminalId), day);
    if (cell < 0) return false;
    this.#frauds[cell] = this.#frauds[cell]! + n;
    return true;
  }

  /**
   * Counts a fraud label against its terminal on the day of the fraudulent transaction, visible to queries
   * as of `reportedAt`. Returns false for a redelivered label, or one too old or too far ahead to matter.
   */
  addLabel(label: Label): boolean {
    const day = Math.floor(label.eventTime / DAY_MS);
    this.#pruneSeenLabels();
    if (!this.#inRange(day) || this.#seenLabels.has(label.transactionId)) return false;
    this.#seenLabels.set(label.transactionId, day);
    const slot = this.#slotFor(label.terminalId);
    let list = this.#labels[slot];
    if (list === undefined) {
      list = [];
      this.#labels[slot] = list;
    }
    if (this.#newestDay !== EMPTY) pruneLabels(list, this.#newestDay - this.ringDays);
    list.push(day, label.reportedAt);
    return true;
  }

  /**
   * Writes, for each window w of `windowsDays`, the terminal's transaction and fraud counts over the w days
   * that end the day before (day of asOf) - labelDelayDays: out[2k] = transactions, out[2k + 1] = frauds.
   */
  windowCounts(terminalId: string, asOf: number, out: Float64Array): void {
    const slot = this.#slots.get(terminalId);
    if (slot === undefined) out.fill(0, 0, 2 * this.windowsDays.length);
    else this.#windowCountsAt(slot, asOf, out);
  }

  /** `windowCounts`, then one transaction of `owner` on the day of `eventTime`: one map lookup for both. */
  observe(terminalId: string, eventTime: number, owner: number, out: Float64Array): void {
    const slot = this.#slotFor(terminalId);
    this.#windowCountsAt(slot, eventTime, out);
    this.#addAt(slot, Math.floor(eventTime / DAY_MS), 1, owner);
  }

  #windowCountsAt(slot: number, asOf: number, out: Float64Array): void {
    const windows = this.windowsDays;
    const end = Math.floor(asOf / DAY_MS) - this.labelDelayDays;
    const base = slot * this.ringDays;
    let txs = 0;
    let frauds = 0;
    let k = 0;
    for (let back = 1; back <= this.#maxWindow; back++) {
      const day = end - back;
      const cell = base + (day % this.ringDays);
      if (day >= 0 && this.#dayTag[cell] === day) {
        txs += this.#total[cell]!;
        frauds += this.#frauds[cell]!;
      }
      if (back === windows[k]) {
        out[2 * k] = txs;
        out[2 * k + 1] = frauds;
        k++;
      }
    }
    const list = this.#labels[slot];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i += 2) {
      const back = end - list[i]!;
      if (back < 1 || list[i + 1]! > asOf) continue;
      for (let j = 0; j < windows.length; j++) if (back <= windows[j]!) out[2 * j + 1] = out[2 * j + 1]! + 1;
    }
  }

  /** Makes `owner` owned here: its changes are handed out by `drainDirty` and `drainExpired`. */
  own(owner: number): void {
    this.#owned[this.#owner(owner)] = true;
  }

  /** Stops owning `owner`: its unshared changes and expiries are forgotten, its counts stay as shared ones. */
  release(owner: number): void {
    const s = this.#ownerIndex.get(owner);
    if (s === undefined || this.#owned[s] !== true) return;
    this.#owned[s] = false;
    const dirty = this.#ownerDirty[s]!;
    const kept: number[] = [];
    for (let i = 0; i < this.#dirty.length; i += 2) {
      if (this.#dirty[i] === s) dirty[this.#dirty[i + 1]!] = 0;
      else kept.push(this.#dirty[i]!, this.#dirty[i + 1]!);
    }
    this.#dirty = kept;
    this.#expired = this.#expired.filter((_, i, all) => all[i - (i % 3)] !== s);
  }

  isOwned(owner: number): boolean {
    const s = this.#ownerIndex.get(owner);
    return s !== undefined && this.#owned[s] === true;
  }

  /** The owners this instance counts into and shares, ascending. */
  owners(): number[] {
    return this.#ownerIds.filter((_, s) => this.#owned[s] === true).sort((a, b) => a - b);
  }

  /**
   * Hands each owned (owner, terminal, day) cell changed since the last drain to `visit` with its current
   * count (what to share), and forgets that it changed; `only` limits it to some owners, the others stay
   * pending. A cell emptied by the ring moving on is skipped (`drainExpired` names its old day). Returns how many.
   */
  drainDirty(visit: CellVisitor, only?: (owner: number) => boolean): number {
    const dirty = this.#dirty;
    const kept: number[] = [];
    let n = 0;
    for (let i = 0; i < dirty.length; i += 2) {
      const s = dirty[i]!;
      const cell = dirty[i + 1]!;
      const owner = this.#ownerIds[s]!;
      if (only !== undefined && !only(owner)) {
        kept.push(s, cell);
        continue;
      }
      this.#ownerDirty[s]![cell] = 0;
      const count = this.#ownerCounts[s]![cell]!;
      if (count === 0) continue;
      visit(owner, this.#ids[Math.floor(cell / this.ringDays)]!, this.#dayTag[cell]!, count);
      n++;
    }
    this.#dirty = kept;
    return n;
  }

  /** Owned cells changed and not yet drained, of the owners `only` accepts (all without it). */
  pendingCells(only?: (owner: number) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.#dirty.length; i += 2) if (only?.(this.#ownerIds[this.#dirty[i]!]!) ?? true) n++;
    return n;
  }

  /**
   * Marks a drained cell as changed again (its share did not get through), if `owner` still owns it and the
   * cell still holds that day. Returns whether it is pending now.
   */
  markDirty(owner: number, terminalId: string, day: number): boolean {
    const s = this.#ownerIndex.get(owner);
    const cell = this.#readCell(terminalId, day);
    if (s === undefined || cell < 0 || this.#owned[s] !== true) return false;
    if (this.#ownerDirty[s]![cell] === 0) {
      this.#ownerDirty[s]![cell] = 1;
      this.#dirty.push(s, cell);
    }
    return true;
  }

  /** From now on, owned cells that leave the ring are remembered for `drainExpired` (off by default). */
  trackExpired(): void {
    this.#trackExpired = true;
  }

  /**
   * Looks at the ring cells of up to `maxTerminals` terminals, continuing where the last call stopped, and
   * retires the owned cells of days that have left the ring (at or before the newest day - `ringDays`) for
   * `drainExpired`. Bounded work: terminals that see no more traffic get their old days retired too.
   */
  sweepExpired(maxTerminals: number): void {
    if (!this.#trackExpired || this.#newestDay === EMPTY) return;
    const oldest = this.#newestDay - this.ringDays;
    const terminals = this.#ids.length;
    const steps = Math.min(maxTerminals, terminals);
    for (let k = 0; k < steps; k++) {
      if (this.#expirySlot >= terminals) this.#expirySlot = 0;
      const slot = this.#expirySlot++;
      const base = slot * this.ringDays;
      for (let cell = base; cell < base + this.ringDays; cell++) {
        const tag = this.#dayTag[cell]!;
        if (tag !== EMPTY && tag <= oldest) this.#retire(slot, cell, tag);
      }
    }
  }

  /** Hands each retired (owned: owner, terminal, day) cell to `visit` once; `only` as in `drainDirty`. */
  drainExpired(visit: ExpiredVisitor, only?: (owner: number) => boolean): number {
    const expired = this.#expired;
    const kept: number[] = [];
    let n = 0;
    for (let i = 0; i < expired.length; i += 3) {
      const owner = this.#ownerIds[expired[i]!]!;
      if (only !== undefined && !only(owner)) {
        kept.push(expired[i]!, expired[i + 1]!, expired[i + 2]!);
        continue;
      }
      visit(owner, this.#ids[expired[i + 1]!]!, expired[i + 2]!);
      n++;
    }
    this.#expired = kept;
    return n;
  }

  /** Retires a cell again whose deletion did not get through, if `owner` is still owned here. */
  reExpire(owner: number, terminalId: string, day: number): void {
    const s = this.#ownerIndex.get(owner);
    const slot = this.#slots.get(terminalId);
    if (s !== undefined && slot !== undefined && this.#owned[s] === true) this.#expired.push(s, slot, day);
  }

  /** Moves owned counts of a cell leaving the ring (holding `day`) to the expired list and zeroes them. */
  #retire(slot: number, cell: number, day: number): void {
    for (let s = 0; s < this.#ownerCounts.length; s++) {
      const counts = this.#ownerCounts[s]!;
      const count = counts[cell]!;
      if (count === 0 || this.#owned[s] !== true) continue;
      if (this.#trackExpired) this.#expired.push(s, slot, day);
      this.#total[cell] = this.#total[cell]! - count;
      counts[cell] = 0;
    }
  }

  #readCell(terminalId: string, day: number): number {
    const slot = this.#slots.get(terminalId);
    if (slot === undefined || day < 0) return -1;
    const cell = slot * this.ringDays + (day % this.ringDays);
    return this.#dayTag[cell] === day ? cell : -1;
  }

  /** Whether `day` is neither older than the ring nor too far ahead of the newest transaction day. */
  #inRange(day: number): boolean {
    const newest = this.#newestDay;
    return day >= 0 && (newest === EMPTY || (day > newest - this.ringDays && day <= newest + this.maxAheadDays));
  }

  /**
   * The cell of (slot, day), rolled over to `day` if it holds an older day (or an implausibly far future one);
   * -1 if `day` is out of range or the cell holds a newer day.
   */
  #cell(slot: number, day: number): number {
    if (!this.#inRange(day)) return -1;
    const cell = slot * this.ringDays + (day % this.ringDays);
    const tag = this.#dayTag[cell]!;
    if (tag === day) return cell;
    if (tag > day && this.#inRange(tag)) return -1;
    if (tag !== EMPTY) this.#retire(slot, cell, tag);
    this.#dayTag[cell] = day;
    this.#total[cell] = 0;
    this.#frauds[cell] = 0;
    for (const counts of this.#ownerCounts) counts[cell] = 0;
    return cell;
  }

  #slotFor(terminalId: string): number {
    let slot = this.#slots.get(terminalId);
    if (slot === undefined) {
      slot = this.#ids.length;
      if (slot === this.#capacity) this.#grow();
      this.#slots.set(terminalId, slot);
      this.#ids.push(terminalId);
    }
    return slot;
  }

  #owner(owner: number): number {
    // Nearly every call names the same owner as the one before.
    if (owner === this.#lastOwner) return this.#lastOwnerIndex;
    let s = this.#ownerIndex.get(owner);
    if (s === undefined) {
      if (!Number.isInteger(owner) || owner < 0) throw new RangeError(`an owner is a partition, got ${owner}`);
      s = this.#ownerIds.length;
      this.#ownerIndex.set(owner, s);
      this.#ownerIds.push(owner);
      this.#owned.push(false);
      this.#ownerCounts.push(new Uint32Array(this.#capacity * this.ringDays));
      this.#ownerDirty.push(new Uint8Array(this.#capacity * this.ringDays));
    }
    this.#lastOwner = owner;
    this.#lastOwnerIndex = s;
    return s;
  }

  #grow(): void {
    this.#capacity *= 2;
    const cells = this.#capacity * this.ringDays;
    this.#dayTag = grown(this.#dayTag, new Int32Array(cells).fill(EMPTY));
    this.#total = grown(this.#total, new Uint32Array(cells));
    this.#frauds = grown(this.#frauds, new Uint32Array(cells));
    this.#ownerCounts = this.#ownerCounts.map((a) => grown(a, new Uint32Array(cells)));
    this.#ownerDirty = this.#ownerDirty.map((a) => grown(a, new Uint8Array(cells)));
  }

  /** Moves the newest day to `day` of a transaction; false if `day` is too far ahead of it to be plausible. */
  #advance(day: number): boolean {
    const newest = this.#newestDay;
    if (newest !== EMPTY && day > newest + this.maxAheadDays) return false;
    if (day > newest) this.#newestDay = day;
    return true;
  }

  /** A few steps of a pass over the label ids, forgetting those too old to be redelivered into a window. */
  #pruneSeenLabels(): void {
    if (this.#newestDay === EMPTY || this.#seenLabels.size === 0) return;
    const oldest = this.#newestDay - this.ringDays;
    const pass = (this.#labelPrune ??= this.#seenLabels.entries());
    for (let k = 0; k < LABEL_PRUNE_STEP; k++) {
      const next = pass.next();
      if (next.done === true) {
        this.#labelPrune = undefined;
        return;
      }
      if (next.value[1] <= oldest) this.#seenLabels.delete(next.value[0]);
    }
  }
}

function grown<T extends Int32Array | Uint32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Drops, in place, the labels of days at or before `oldest`. */
function pruneLabels(list: number[], oldest: number): void {
  let w = 0;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i]! > oldest) {
      list[w++] = list[i]!;
      list[w++] = list[i + 1]!;
    }
  }
  list.length = w;
}
