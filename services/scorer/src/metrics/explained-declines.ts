import type { Decision, FeatureContribution } from '../../../../schemas/src/types.ts';

/** One explained DECLINE as the dashboard lists it. */
export interface ExplainedDecline {
  readonly transactionId: string;
  readonly eventTime: number;
  readonly modelVersion: string;
  readonly score: number;
  readonly contributions: readonly FeatureContribution[];
}

/** A feature's part in the declines held: how often it was among their top features, and its mean contribution. */
export interface DeclineDriver {
  readonly feature: string;
  /** Of the declines held, the share listing this feature. */
  readonly share: number;
  /** Its mean contribution where listed (log-odds). */
  readonly meanContribution: number;
}

export interface ExplainedDeclinesSnapshot {
  /** Explained declines since start. */
  readonly total: number;
  /** The declines the drivers are worked out over (the latest, at most `keep`). */
  readonly held: number;
  /** Newest first, at most `show`. */
  readonly latest: readonly ExplainedDecline[];
  /** Most often listed first, then by contribution. */
  readonly drivers: readonly DeclineDriver[];
}

/** The latest explained DECLINE decisions: what drives the model's declines now. */
export class ExplainedDeclines {
  readonly #keep: number;
  readonly #show: number;
  readonly #ring: ExplainedDecline[] = [];
  #next = 0;
  #total = 0;

  constructor(options: { keep?: number; show?: number } = {}) {
    this.#keep = options.keep ?? 200;
    this.#show = options.show ?? 8;
  }

  record(decision: Decision): void {
    if (decision.action !== 'DECLINE' || decision.explanation === null) return;
    const entry: ExplainedDecline = {
      transactionId: decision.transactionId,
      eventTime: decision.eventTime,
      modelVersion: decision.modelVersion,
      score: decision.score,
      contributions: decision.explanation.contributions,
    };
    if (this.#ring.length < this.#keep) this.#ring.push(entry);
    else this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#keep;
    this.#total++;
  }

  snapshot(): ExplainedDeclinesSnapshot {
    const n = this.#ring.length;
    const newestFirst: ExplainedDecline[] = [];
    for (let k = 1; k <= n; k++) newestFirst.push(this.#ring[(this.#next - k + n) % n]!);
    const byFeature = new Map<string, { listed: number; sum: number }>();
    for (const d of this.#ring) {
      for (const c of d.contributions) {
        const f = byFeature.get(c.feature) ?? { listed: 0, sum: 0 };
        f.listed++;
        f.sum += c.contribution;
        byFeature.set(c.feature, f);
      }
    }
    const drivers = [...byFeature]
      .map(([feature, f]) => ({ feature, share: f.listed / n, meanContribution: f.sum / f.listed }))
      .sort((a, b) => b.share - a.share || b.meanContribution - a.meanContribution);
    return { total: this.#total, held: n, latest: newestFirst.slice(0, this.#show), drivers };
  }
}
