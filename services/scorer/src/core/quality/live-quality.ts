import type { Action } from '../../../../../schemas/src/types.ts';

/** What live quality keeps of one decision: the Decision's fields it needs. */
export interface QualityDecision {
  readonly transactionId: string;
  readonly cardId: string;
  readonly eventTime: number;
  readonly modelVersion: string;
  readonly score: number;
  readonly action: Action;
  readonly degraded: boolean;
  readonly challenger: { readonly modelVersion: string; readonly score: number } | null;
}

export type QualityRole = 'champion' | 'challenger';

/** One model's figures over the window; a ratio with nothing to divide by is null. */
export interface ModelQuality {
  readonly role: QualityRole;
  readonly version: string;
  /** Decisions it scored in the window (degraded ones left out: the rules decided them). */
  readonly rows: number;
  /** Of them, reported as fraud so far. */
  readonly frauds: number;
  readonly declineRecall: number | null;
  readonly declinePrecision: number | null;
  /** DECLINE or REVIEW. */
  readonly flaggedRecall: number | null;
  readonly flaggedPrecision: number | null;
  /** Genuine transactions flagged (DECLINE or REVIEW), of all genuine ones. */
  readonly falsePositiveRate: number | null;
  /** Of the score, as scikit-learn's `average_precision_score`. */
  readonly averagePrecision: number | null;
  /** The Handbook's card precision@k: per event-time day, cards ranked by their highest score; the mean. */
  readonly cardPrecisionAtK: number | null;
  /** The share of its rows older than the label delay: how much of the window labels can have reached yet. */
  readonly labelledShare: number;
}

export interface QualityReport {
  /** Event time: from the newest decision held back `windowMs` (exclusive) to it; null before any decision. */
  readonly window: { readonly start: number; readonly end: number } | null;
  readonly windowMs: number;
  readonly labelDelayMs: number;
  readonly k: number;
  /** Champions first, then challengers; by version. */
  readonly models: readonly ModelQuality[];
}

export interface LiveQualityOptions {
  /** The event-time window the figures cover. */
  readonly windowMs: number;
  /** How late fraud reports usually arrive: decisions younger than this are not fully labelled yet. */
  readonly labelDelayMs: number;
  /** Cards per day of card precision@k (the Handbook's 100). */
  readonly k?: number;
  /** Decisions held at most (the oldest go first): bounds memory whatever the rate. */
  readonly maxDecisions: number;
  /** Fraud reports held at most, likewise. */
  readonly maxLabels?: number;
  /** A challenger's thresholds, which make its DECLINE / REVIEW (it has no actions of its own). */
  readonly thresholdsOf: (
    challengerVersion: string,
  ) => { readonly review: number; readonly decline: number } | undefined;
}

const DAY_MS = 86_400_000;
const APPROVE = 0;
const REVIEW = 1;
const DECLINE = 2;
const ACTION_CODE: Record<Action, number> = { APPROVE, REVIEW, DECLINE };
const NO_CHALLENGER = 0xffff;

/** One (role, version)'s rows over the window, in columns. */
interface Group {
  readonly role: QualityRole;
  readonly version: string;
  readonly score: Float64Array;
  readonly eventTime: Float64Array;
  readonly card: string[];
  readonly fraud: Uint8Array;
  readonly declined: Uint8Array;
  readonly flagged: Uint8Array;
  n: number;
}

/**
 * The quality of the serving models on live traffic, from the fraud reports as they arrive: decisions are kept
 * for an event-time window (and at most `maxDecisions`, in a ring of typed columns: a few dozen bytes each beside
 * their two id strings), joined to the labels by transaction id when the figures are asked for, per model and
 * role. A transaction decided twice (a retried transaction) counts once, as its last decision. Pure: no clock,
 * no I/O.
 */
export class LiveQuality {
  readonly #options: LiveQualityOptions;
  readonly #capacity: number;
  readonly #ids: (string | undefined)[];
  readonly #cards: string[];
  readonly #time: Float64Array;
  readonly #score: Float64Array;
  readonly #challengerScore: Float64Array;
  readonly #action: Uint8Array;
  readonly #degraded: Uint8Array;
  readonly #version: Uint16Array;
  readonly #challengerVersion: Uint16Array;
  readonly #versions: string[] = [];
  readonly #versionIndex = new Map<string, number>();
  readonly #slotOf = new Map<string, number>();
  readonly #frauds = new Set<string>();
  /** The oldest slot, and how many are held. */
  #head = 0;
  #size = 0;
  #newest = -Infinity;

  constructor(options: LiveQualityOptions) {
    this.#options = options;
    const n = (this.#capacity = options.maxDecisions);
    this.#ids = new Array<string | undefined>(n);
    this.#cards = new Array<string>(n);
    this.#time = new Float64Array(n);
    this.#score = new Float64Array(n);
    this.#challengerScore = new Float64Array(n);
    this.#action = new Uint8Array(n);
    this.#degraded = new Uint8Array(n);
    this.#version = new Uint16Array(n);
    this.#challengerVersion = new Uint16Array(n);
  }

  get held(): number {
    return this.#size;
  }

  record(d: QualityDecision): void {
    if (d.eventTime > this.#newest) this.#newest = d.eventTime;
    this.#evictOlderThan(this.#newest - this.#options.windowMs);
    let slot = this.#slotOf.get(d.transactionId);
    if (slot === undefined) {
      if (this.#size === this.#capacity) this.#evictOldest();
      slot = (this.#head + this.#size++) % this.#capacity;
      this.#slotOf.set(d.transactionId, slot);
      this.#ids[slot] = d.transactionId;
    }
    this.#cards[slot] = d.cardId;
    this.#time[slot] = d.eventTime;
    this.#score[slot] = d.score;
    this.#action[slot] = ACTION_CODE[d.action];
    this.#degraded[slot] = d.degraded ? 1 : 0;
    this.#version[slot] = this.#versionOf(d.modelVersion);
    this.#challengerVersion[slot] = d.challenger === null ? NO_CHALLENGER : this.#versionOf(d.challenger.modelVersion);
    this.#challengerScore[slot] = d.challenger?.score ?? NaN;
  }

  /** A fraud report for `transactionId` (kept whether or not its decision is held: it may come later). */
  label(transactionId: string): void {
    this.#frauds.add(transactionId);
    const max = this.#options.maxLabels ?? this.#capacity;
    if (this.#frauds.size > max) this.#frauds.delete(this.#frauds.values().next().value!);
  }

  report(): QualityReport {
    const { windowMs, labelDelayMs } = this.#options;
    const k = this.#options.k ?? 100;
    if (this.#size === 0) return { window: null, windowMs, labelDelayMs, k, models: [] };
    const end = this.#newest;
    const start = end - windowMs;
    const groups = new Map<number, Group>();
    const group = (role: QualityRole, version: number): Group => {
      const key = role === 'champion' ? version : NO_CHALLENGER + 1 + version;
      let g = groups.get(key);
      if (g === undefined) {
        const n = this.#size;
        g = {
          role,
          version: this.#versions[version]!,
          score: new Float64Array(n),
          eventTime: new Float64Array(n),
          card: [],
          fraud: new Uint8Array(n),
          declined: new Uint8Array(n),
          flagged: new Uint8Array(n),
          n: 0,
        };
        groups.set(key, g);
      }
      return g;
    };
    const add = (g: Group, slot: number, score: number, fraud: boolean, declined: boolean, flagged: boolean) => {
      const i = g.n++;
      g.score[i] = score;
      g.eventTime[i] = this.#time[slot]!;
      g.card[i] = this.#cards[slot]!;
      g.fraud[i] = fraud ? 1 : 0;
      g.declined[i] = declined ? 1 : 0;
      g.flagged[i] = flagged ? 1 : 0;
    };
    for (let j = 0; j < this.#size; j++) {
      const slot = (this.#head + j) % this.#capacity;
      if (this.#time[slot]! <= start || this.#degraded[slot] === 1) continue;
      const fraud = this.#frauds.has(this.#ids[slot]!);
      const action = this.#action[slot]!;
      add(
        group('champion', this.#version[slot]!),
        slot,
        this.#score[slot]!,
        fraud,
        action === DECLINE,
        action !== APPROVE,
      );
      const cv = this.#challengerVersion[slot]!;
      if (cv === NO_CHALLENGER) continue;
      const thresholds = this.#options.thresholdsOf(this.#versions[cv]!);
      if (thresholds === undefined) continue;
      const cs = this.#challengerScore[slot]!;
      add(group('challenger', cv), slot, cs, fraud, cs >= thresholds.decline, cs >= thresholds.review);
    }
    const models = [...groups.values()]
      .sort((a, b) => (a.role === b.role ? (a.version < b.version ? -1 : 1) : a.role === 'champion' ? -1 : 1))
      .map((g) => figures(g, end - labelDelayMs, k));
    return { window: { start, end }, windowMs, labelDelayMs, k, models };
  }

  #versionOf(version: string): number {
    let index = this.#versionIndex.get(version);
    if (index === undefined) {
      index = this.#versions.length;
      // Versions are few (each swap adds one); the table is never trimmed.
      if (index >= NO_CHALLENGER) throw new Error('more than 65535 model versions');
      this.#versions.push(version);
      this.#versionIndex.set(version, index);
    }
    return index;
  }

  /** Drops held decisions from the oldest on while they are older than `oldest` (event time is nearly ordered). */
  #evictOlderThan(oldest: number): void {
    while (this.#size > 0 && this.#time[this.#head]! <= oldest) this.#evictOldest();
  }

  #evictOldest(): void {
    const id = this.#ids[this.#head]!;
    this.#slotOf.delete(id);
    this.#ids[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#size--;
  }
}

function figures(g: Group, maturedBy: number, k: number): ModelQuality {
  let frauds = 0;
  let declined = 0;
  let declinedFraud = 0;
  let flagged = 0;
  let flaggedFraud = 0;
  let matured = 0;
  for (let i = 0; i < g.n; i++) {
    const y = g.fraud[i] === 1;
    if (y) frauds++;
    if (g.declined[i] === 1) {
      declined++;
      if (y) declinedFraud++;
    }
    if (g.flagged[i] === 1) {
      flagged++;
      if (y) flaggedFraud++;
    }
    if (g.eventTime[i]! <= maturedBy) matured++;
  }
  const scores = g.score.subarray(0, g.n);
  const fraud = g.fraud.subarray(0, g.n);
  return {
    role: g.role,
    version: g.version,
    rows: g.n,
    frauds,
    declineRecall: ratio(declinedFraud, frauds),
    declinePrecision: ratio(declinedFraud, declined),
    flaggedRecall: ratio(flaggedFraud, frauds),
    flaggedPrecision: ratio(flaggedFraud, flagged),
    falsePositiveRate: ratio(flagged - flaggedFraud, g.n - frauds),
    averagePrecision: frauds === 0 ? null : averagePrecision(scores, fraud),
    cardPrecisionAtK: g.n === 0 ? null : cardPrecisionAtK(g.card, g.eventTime.subarray(0, g.n), scores, fraud, k),
    labelledShare: g.n === 0 ? 0 : matured / g.n,
  };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * Σ (Rₙ − Rₙ₋₁) · Pₙ over the distinct scores, highest first, every row of a score taken together (what
 * scikit-learn's `average_precision_score` computes; no interpolation). The scores of frauds and of genuine rows
 * are sorted apart (native numeric sorts, no comparator), then walked down together.
 */
export function averagePrecision(scores: ArrayLike<number>, fraud: ArrayLike<number | boolean>): number {
  let frauds = 0;
  for (let i = 0; i < scores.length; i++) if (fraud[i]) frauds++;
  const positive = new Float64Array(frauds);
  const negative = new Float64Array(scores.length - frauds);
  for (let i = 0, p = 0, q = 0; i < scores.length; i++) {
    if (fraud[i]) positive[p++] = scores[i]!;
    else negative[q++] = scores[i]!;
  }
  positive.sort();
  negative.sort();
  let p = positive.length - 1;
  let q = negative.length - 1;
  let tp = 0;
  let fp = 0;
  let recall = 0;
  let sum = 0;
  while (p >= 0 || q >= 0) {
    const score = Math.max(p >= 0 ? positive[p]! : -Infinity, q >= 0 ? negative[q]! : -Infinity);
    while (p >= 0 && positive[p] === score) {
      tp++;
      p--;
    }
    while (q >= 0 && negative[q] === score) {
      fp++;
      q--;
    }
    const next = tp / frauds;
    sum += (next - recall) * (tp / (tp + fp));
    recall = next;
  }
  return sum;
}

/**
 * The Handbook's `card_precision_top_k`: per event-time day (UTC), each card's highest score and whether any of its
 * transactions that day is fraud; the top k cards (by score, then card id) give hits / k; a card found (a hit)
 * is left out of the later days. The mean over the days that have rows.
 */
export function cardPrecisionAtK(
  cards: readonly string[],
  eventTime: ArrayLike<number>,
  scores: ArrayLike<number>,
  fraud: ArrayLike<number | boolean>,
  k: number,
): number {
  const days = new Map<number, Map<string, number>>();
  const best: number[] = [];
  const anyFraud: boolean[] = [];
  const names: string[] = [];
  for (let i = 0; i < scores.length; i++) {
    const day = Math.floor(eventTime[i]! / DAY_MS);
    let byCard = days.get(day);
    if (byCard === undefined) days.set(day, (byCard = new Map<string, number>()));
    const c = byCard.get(cards[i]!);
    if (c === undefined) {
      byCard.set(cards[i]!, best.length);
      best.push(scores[i]!);
      anyFraud.push(Boolean(fraud[i]));
      names.push(cards[i]!);
    } else {
      if (scores[i]! > best[c]!) best[c] = scores[i]!;
      if (fraud[i]) anyFraud[c] = true;
    }
  }
  const detected = new Set<string>();
  let sum = 0;
  for (const day of [...days.keys()].sort((a, b) => a - b)) {
    const candidates = [...days.get(day)!.values()].filter((c) => !detected.has(names[c]!));
    const top = candidates
      .sort((a, b) => best[b]! - best[a]! || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0))
      .slice(0, k);
    let hits = 0;
    for (const c of top) {
      if (!anyFraud[c]) continue;
      hits++;
      detected.add(names[c]!);
    }
    sum += hits / k;
  }
  return sum / days.size;
}
