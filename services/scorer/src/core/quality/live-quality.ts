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

interface Row {
  readonly id: string;
  readonly card: string;
  readonly eventTime: number;
  readonly score: number;
  readonly declined: boolean;
  readonly flagged: boolean;
}

/**
 * The quality of the serving models on live traffic, from the fraud reports as they arrive: decisions are kept
 * for an event-time window (and at most `maxDecisions`), joined to the labels by transaction id when the figures
 * are asked for, per model and role. A transaction decided twice (a retried transaction) counts once, as its
 * last decision. Pure: no clock, no I/O.
 */
export class LiveQuality {
  readonly #options: LiveQualityOptions;
  readonly #decisions = new Map<string, QualityDecision>();
  readonly #frauds = new Set<string>();
  #newest = -Infinity;

  constructor(options: LiveQualityOptions) {
    this.#options = options;
  }

  get held(): number {
    return this.#decisions.size;
  }

  record(decision: QualityDecision): void {
    // Re-inserted, so that the map's order stays the order of the last decision of each transaction.
    this.#decisions.delete(decision.transactionId);
    this.#decisions.set(decision.transactionId, decision);
    if (decision.eventTime > this.#newest) this.#newest = decision.eventTime;
    this.#evict();
  }

  /** A fraud report for `transactionId` (kept whether or not its decision is held: it may come later). */
  label(transactionId: string): void {
    this.#frauds.add(transactionId);
    const max = this.#options.maxLabels ?? this.#options.maxDecisions;
    if (this.#frauds.size > max) this.#frauds.delete(this.#frauds.values().next().value!);
  }

  report(): QualityReport {
    const { windowMs, labelDelayMs } = this.#options;
    const k = this.#options.k ?? 100;
    if (this.#decisions.size === 0) return { window: null, windowMs, labelDelayMs, k, models: [] };
    const end = this.#newest;
    const start = end - windowMs;
    const groups = new Map<string, { role: QualityRole; version: string; rows: Row[] }>();
    const group = (role: QualityRole, version: string) => {
      const key = `${role}:${version}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { role, version, rows: [] }));
      return g.rows;
    };
    for (const d of this.#decisions.values()) {
      if (d.eventTime <= start || d.degraded) continue;
      const base = { id: d.transactionId, card: d.cardId, eventTime: d.eventTime };
      group('champion', d.modelVersion).push({
        ...base,
        score: d.score,
        declined: d.action === 'DECLINE',
        flagged: d.action !== 'APPROVE',
      });
      const c = d.challenger;
      const thresholds = c === null ? undefined : this.#options.thresholdsOf(c.modelVersion);
      if (c !== null && thresholds !== undefined) {
        group('challenger', c.modelVersion).push({
          ...base,
          score: c.score,
          declined: c.score >= thresholds.decline,
          flagged: c.score >= thresholds.review,
        });
      }
    }
    const models = [...groups.values()]
      .sort((a, b) => (a.role === b.role ? (a.version < b.version ? -1 : 1) : a.role === 'champion' ? -1 : 1))
      .map(({ role, version, rows }) => this.#figures(role, version, rows, end - labelDelayMs, k));
    return { window: { start, end }, windowMs, labelDelayMs, k, models };
  }

  #figures(role: QualityRole, version: string, rows: readonly Row[], maturedBy: number, k: number): ModelQuality {
    const fraud = rows.map((r) => this.#frauds.has(r.id));
    let frauds = 0;
    let declined = 0;
    let declinedFraud = 0;
    let flagged = 0;
    let flaggedFraud = 0;
    let matured = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const y = fraud[i]!;
      if (y) frauds++;
      if (r.declined) {
        declined++;
        if (y) declinedFraud++;
      }
      if (r.flagged) {
        flagged++;
        if (y) flaggedFraud++;
      }
      if (r.eventTime <= maturedBy) matured++;
    }
    const genuine = rows.length - frauds;
    return {
      role,
      version,
      rows: rows.length,
      frauds,
      declineRecall: ratio(declinedFraud, frauds),
      declinePrecision: ratio(declinedFraud, declined),
      flaggedRecall: ratio(flaggedFraud, frauds),
      flaggedPrecision: ratio(flaggedFraud, flagged),
      falsePositiveRate: ratio(flagged - flaggedFraud, genuine),
      averagePrecision: frauds === 0 ? null : averagePrecision(rows, fraud, frauds),
      cardPrecisionAtK: rows.length === 0 ? null : cardPrecisionAtK(rows, fraud, k),
      labelledShare: rows.length === 0 ? 0 : matured / rows.length,
    };
  }

  #evict(): void {
    const { maxDecisions, windowMs } = this.#options;
    const oldest = this.#newest - windowMs;
    for (const [id, d] of this.#decisions) {
      if (this.#decisions.size <= maxDecisions && d.eventTime > oldest) break;
      this.#decisions.delete(id);
    }
  }
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * Σ (Rₙ − Rₙ₋₁) · Pₙ over the distinct scores, highest first, every row of a score taken together (what
 * scikit-learn's `average_precision_score` computes; no interpolation).
 */
export function averagePrecision(
  rows: readonly { score: number }[],
  fraud: readonly boolean[],
  frauds: number,
): number {
  const order = rows.map((_, i) => i).sort((a, b) => rows[b]!.score - rows[a]!.score);
  let tp = 0;
  let fp = 0;
  let recall = 0;
  let sum = 0;
  for (let i = 0; i < order.length;) {
    const score = rows[order[i]!]!.score;
    for (; i < order.length && rows[order[i]!]!.score === score; i++) {
      if (fraud[order[i]!]) tp++;
      else fp++;
    }
    const nextRecall = tp / frauds;
    sum += (nextRecall - recall) * (tp / (tp + fp));
    recall = nextRecall;
  }
  return sum;
}

/**
 * The Handbook's `card_precision_top_k`: per event-time day (UTC), each card's highest score and whether any of its
 * transactions that day is fraud; the top k cards (by score, then card id) give hits / k; a card found (a hit)
 * is left out of the later days. The mean over the days that have rows.
 */
export function cardPrecisionAtK(
  rows: readonly { card: string; eventTime: number; score: number }[],
  fraud: readonly boolean[],
  k: number,
): number {
  const days = new Map<number, Map<string, { score: number; fraud: boolean }>>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const day = Math.floor(r.eventTime / DAY_MS);
    let cards = days.get(day);
    if (cards === undefined) days.set(day, (cards = new Map<string, { score: number; fraud: boolean }>()));
    const card = cards.get(r.card);
    if (card === undefined) cards.set(r.card, { score: r.score, fraud: fraud[i]! });
    else {
      card.score = Math.max(card.score, r.score);
      card.fraud ||= fraud[i]!;
    }
  }
  const detected = new Set<string>();
  let sum = 0;
  for (const day of [...days.keys()].sort((a, b) => a - b)) {
    const top = [...days.get(day)!]
      .filter(([card]) => !detected.has(card))
      .sort(([a, x], [b, y]) => y.score - x.score || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, k);
    const hits = top.filter(([, c]) => c.fraud).map(([card]) => card);
    sum += hits.length / k;
    for (const card of hits) detected.add(card);
  }
  return sum / days.size;
}
