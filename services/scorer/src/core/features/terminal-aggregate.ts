import type { Label } from '../../../../../schemas/src/types.ts';
import { DAY_MS, LABEL_DELAY_DAYS, WINDOWS_DAYS } from './feature-params.ts';

export interface TerminalAggregateOptions {
  /** Days of per-day counts kept per terminal; at least delay + longest window + 1. Default 45 (a week of slack). */
  ringDays?: number;
  labelDelayDays?: number;
  windowsDays?: readonly number[];
}

/** Called by `drainDirty` with a local source's current count of one (terminal, day) cell. */
export type DirtyCountVisitor = (source: string, terminalId: string, day: number, count: number) => void;

export const DEFAULT_SOURCE = 'local';
const INITIAL_TERMINALS = 1024;

/**
 * Per-terminal, per-day transaction and fraud counts (days are UTC days since the epoch) for the delayed
 * terminal features. Several scorer instances see disjoint parts of every terminal's traffic, so transaction
 * counts are kept per source (e.g. per input partition) and summed; `setTransactions` is last-write-wins per
 * (source, terminal, day), so replaying a compacted topic of those cells is idempotent. Every instance reads
 * the whole labels topic, so frauds need no merging; a label counts only from its `reportedAt`, which makes the
 * answer independent of when the label happened to arrive.
 */
export class TerminalAggregate {
  readonly ringDays: number;
  readonly labelDelayDays: number;
  readonly windowsDays: readonly number[];
  readonly #maxWindow: number;
  readonly #slots = new Map<string, number>();
  readonly #ids: string[] = [];
  readonly #sourceIndex = new Map<string, number>();
  readonly #sourceNames: string[] = [];
  #sourceCounts: Uint32Array[] = [];
  #sourceDirty: Uint8Array[] = [];
  readonly #dirty: number[] = [];
  #lastSourceName: string | undefined;
  #lastSourceIndex = -1;
  #capacity = INITIAL_TERMINALS;
  #dayTag: Int32Array;
  #total: Uint32Array;
  #frauds: Uint32Array;
  /** Per terminal: [eventDay, reportedAt, eventDay, reportedAt, ...] of labels. */
  readonly #labels: (number[] | undefined)[] = [];
  /** transactionId → event day of every label counted, to drop redeliveries. */
  readonly #seenLabels = new Map<string, number>();
  #maxDay = 0;

  constructor(options?: TerminalAggregateOptions) {
    this.labelDelayDays = options?.labelDelayDays ?? LABEL_DELAY_DAYS;
    this.windowsDays = [...(options?.windowsDays ?? WINDOWS_DAYS)];
    this.#maxWindow = this.windowsDays[this.windowsDays.length - 1] ?? 0;
    const needed = this.labelDelayDays + this.#maxWindow + 1;
    this.ringDays = options?.ringDays ?? Math.max(45, needed);
    if (this.windowsDays.some((w, i) => !Number.isInteger(w) || w < 1 || w <= (this.windowsDays[i - 1] ?? 0))) {
      throw new RangeError(`windowsDays must be ascending positive integers, got ${this.windowsDays.join(',')}`);
    }
    if (!Number.isInteger(this.ringDays) || this.ringDays < needed) {
      throw new RangeError(`ringDays must be an integer of at least ${needed}, got ${this.ringDays}`);
    }
    const cells = this.#capacity * this.ringDays;
    this.#dayTag = new Int32Array(cells);
    this.#total = new Uint32Array(cells);
    this.#frauds = new Uint32Array(cells);
  }

  /** Terminals held. */
  get size(): number {
    return this.#slots.size;
  }

  /** Adds `n` transactions seen by `source`; returns that source's new count for the day (-1: day too old). */
  addTransactions(terminalId: string, day: number, n: number, source: string = DEFAULT_SOURCE): number {
    return this.#addAt(this.#slotFor(terminalId), day, n, this.#source(source));
  }

  #addAt(slot: number, day: number, n: number, s: number): number {
    const cell = this.#cell(slot, day);
    if (cell < 0) return -1;
    const counts = this.#sourceCounts[s]!;
    const count = counts[cell]! + n;
    counts[cell] = count;
    this.#total[cell] = this.#total[cell]! + n;
    const dirty = this.#sourceDirty[s]!;
    if (dirty[cell] === 0) {
      dirty[cell] = 1;
      this.#dirty.push(s, cell);
    }
    return count;
  }

  /** Sets `source`'s count for (terminal, day), e.g. from another instance's changelog record. */
  setTransactions(source: string, terminalId: string, day: number, n: number): boolean {
    const cell = this.#cell(this.#slotFor(terminalId), day);
    if (cell < 0) return false;
    const counts = this.#sourceCounts[this.#source(source)]!;
    this.#total[cell] = this.#total[cell]! + n - counts[cell]!;
    counts[cell] = n;
    return true;
  }

  /** All sources' transactions of the terminal on that day. */
  transactions(terminalId: string, day: number): number {
    const cell = this.#readCell(terminalId, day);
    return cell < 0 ? 0 : this.#total[cell]!;
  }

  transactionsFrom(source: string, terminalId: string, day: number): number {
    const cell = this.#readCell(terminalId, day);
    const s = this.#sourceIndex.get(source);
    return cell < 0 || s === undefined ? 0 : this.#sourceCounts[s]![cell]!;
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
   * as of `reportedAt`. Returns false for a redelivered label or one too old to matter.
   */
  addLabel(label: Label): boolean {
    const day = Math.floor(label.eventTime / DAY_MS);
    this.#advance(day);
    if (day <= this.#maxDay - this.ringDays || this.#seenLabels.has(label.transactionId)) return false;
    this.#seenLabels.set(label.transactionId, day);
    const slot = this.#slotFor(label.terminalId);
    let list = this.#labels[slot];
    if (list === undefined) {
      list = [];
      this.#labels[slot] = list;
    }
    pruneLabels(list, this.#maxDay - this.ringDays);
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

  /** `windowCounts`, then one transaction of `source` on the day of `eventTime`: one map lookup for both. */
  observe(terminalId: string, eventTime: number, source: string, out: Float64Array): void {
    const slot = this.#slotFor(terminalId);
    this.#windowCountsAt(slot, eventTime, out);
    this.#addAt(slot, Math.floor(eventTime / DAY_MS), 1, this.#source(source));
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
      if (this.#dayTag[cell] === day) {
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

  /**
   * Hands each (source, terminal, day) cell changed by `addTransactions` since the last drain to `visit`
   * with its current count (what to publish to the shared compacted topic). Returns how many.
   */
  drainDirty(visit: DirtyCountVisitor): number {
    const dirty = this.#dirty;
    const n = dirty.length / 2;
    for (let i = 0; i < dirty.length; i += 2) {
      const s = dirty[i]!;
      const cell = dirty[i + 1]!;
      this.#sourceDirty[s]![cell] = 0;
      const slot = Math.floor(cell / this.ringDays);
      visit(this.#sourceNames[s]!, this.#ids[slot]!, this.#dayTag[cell]!, this.#sourceCounts[s]![cell]!);
    }
    dirty.length = 0;
    return n;
  }

  #readCell(terminalId: string, day: number): number {
    const slot = this.#slots.get(terminalId);
    if (slot === undefined) return -1;
    const cell = slot * this.ringDays + (day % this.ringDays);
    return this.#dayTag[cell] === day ? cell : -1;
  }

  /** The cell of (slot, day), rolled over to `day` if it holds an older day; -1 if it holds a newer one. */
  #cell(slot: number, day: number): number {
    const cell = slot * this.ringDays + (day % this.ringDays);
    const tag = this.#dayTag[cell]!;
    if (tag === day) return cell;
    if (tag > day) return -1;
    this.#dayTag[cell] = day;
    this.#total[cell] = 0;
    this.#frauds[cell] = 0;
    for (const counts of this.#sourceCounts) counts[cell] = 0;
    this.#advance(day);
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

  #source(name: string): number {
    // Nearly every call names the same source as the one before.
    if (name === this.#lastSourceName) return this.#lastSourceIndex;
    let s = this.#sourceIndex.get(name);
    if (s === undefined) {
      s = this.#sourceNames.length;
      this.#sourceIndex.set(name, s);
      this.#sourceNames.push(name);
      this.#sourceCounts.push(new Uint32Array(this.#capacity * this.ringDays));
      this.#sourceDirty.push(new Uint8Array(this.#capacity * this.ringDays));
    }
    this.#lastSourceName = name;
    this.#lastSourceIndex = s;
    return s;
  }

  #grow(): void {
    this.#capacity *= 2;
    const cells = this.#capacity * this.ringDays;
    this.#dayTag = grown(this.#dayTag, new Int32Array(cells));
    this.#total = grown(this.#total, new Uint32Array(cells));
    this.#frauds = grown(this.#frauds, new Uint32Array(cells));
    this.#sourceCounts = this.#sourceCounts.map((a) => grown(a, new Uint32Array(cells)));
    this.#sourceDirty = this.#sourceDirty.map((a) => grown(a, new Uint8Array(cells)));
  }

  /** Tracks the newest day seen; once a day, forgets label ids too old to be redelivered into a window. */
  #advance(day: number): void {
    if (day <= this.#maxDay) return;
    this.#maxDay = day;
    const oldest = day - this.ringDays;
    for (const [id, labelDay] of this.#seenLabels) if (labelDay <= oldest) this.#seenLabels.delete(id);
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
