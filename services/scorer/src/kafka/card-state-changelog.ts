import type { FeatureState } from '../core/features/feature-state.ts';
import type { OutRecord, RecordHeaders } from '../core/scoring/records.ts';
import { noopMetrics, type ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { Logger } from '../observability/logger.ts';
import { readPartition, type PartitionClient } from './partition-reader.ts';
import type { TerminalCountsSync } from './terminal-counts.ts';
import type { PartitionState } from './transaction-source.ts';

const NO_HEADERS: RecordHeaders = Object.freeze([]);

export interface RestoreStats {
  /** Partitions restored, card records applied, and malformed card records skipped (those cards start cold). */
  partitions: number;
  cards: number;
  skipped: number;
  /** Terminal-count cells restored. */
  cells: number;
  /** Time spent restoring, all partitions together. */
  ms: number;
}

/**
 * The state that lives with the input partitions: card state, and each partition's share of the terminal
 * counts. Card state goes to a compacted changelog topic partitioned like the input (key: card id; value: the
 * card's fixed-size record, `card-layout.ts`), one record per card a chunk changed, with the chunk's decisions
 * (in the same transaction under exactly-once delivery). A partition gained is restored from its changelog
 * partition and its partition of the terminal-counts topic before its first record is scored; a partition lost
 * is dropped.
 */
export class CardStateChangelog implements PartitionState {
  readonly #features: FeatureState;
  readonly #counts: TerminalCountsSync;
  readonly #client: PartitionClient;
  readonly #topic: string;
  readonly #log: Logger;
  readonly stats: RestoreStats = { partitions: 0, cards: 0, skipped: 0, cells: 0, ms: 0 };

  readonly #metrics: Pick<ScorerMetrics, 'setRestoring' | 'restored'>;

  constructor(
    features: FeatureState,
    counts: TerminalCountsSync,
    client: PartitionClient,
    topic: string,
    log: Logger,
    metrics: Pick<ScorerMetrics, 'setRestoring' | 'restored'> = noopMetrics,
  ) {
    this.#metrics = metrics;
    this.#features = features;
    this.#counts = counts;
    this.#client = client;
    this.#topic = topic;
    this.#log = log;
  }

  recordsAfterChunk(partition: number): readonly OutRecord[] {
    const topic = this.#topic;
    const out: OutRecord[] = [];
    this.#features.takeChangedCards(partition, (cardId, state) => {
      const value = Buffer.from(state.buffer, state.byteOffset, state.byteLength);
      out.push({ topic, key: cardId, value, headers: NO_HEADERS, partition });
    });
    for (const r of this.#counts.recordsFor(partition)) out.push(r);
    return out;
  }

  async restore(partitions: readonly number[]): Promise<void> {
    const began = Date.now();
    const before = this.stats.cards + this.stats.cells;
    this.#metrics.setRestoring(partitions.length);
    try {
      await Promise.all(partitions.map((p) => this.#restoreOne(p)));
    } finally {
      this.#metrics.setRestoring(0);
    }
    const ms = Date.now() - began;
    this.stats.ms += ms;
    this.#metrics.restored(partitions.length, this.stats.cards + this.stats.cells - before, ms);
  }

  async #restoreOne(partition: number): Promise<void> {
    const cards = this.#features.cards;
    let applied = 0;
    let skipped = 0;
    await readPartition(this.#client, this.#topic, partition, (key, value) => {
      if (key === null) return skipped++;
      const cardId = key.toString('utf8');
      if (value === null) {
        cards.deleteCard(cardId);
        return;
      }
      try {
        cards.importCard(cardId, value, partition);
        applied++;
      } catch {
        skipped++;
      }
    });
    const cells = await this.#counts.restore(partition, this.#client);
    if (skipped > 0)
      this.#log.warn({ partition, skipped }, 'card state records ignored: malformed (those cards start cold)');
    this.stats.partitions++;
    this.stats.cards += applied;
    this.stats.skipped += skipped;
    this.stats.cells += cells;
  }

  drop(partitions: readonly number[]): void {
    for (const p of partitions) this.#features.dropPartition(p);
    this.#counts.revoked(partitions);
  }
}
