import type { ScenarioId } from './scenario-ids.ts';

export interface StatsSummary {
  days: number;
  transactions: number;
  transactionsPerDay: number;
  fraud: number;
  fraudRate: number;
  byScenario: Record<string, number>;
  labels: number;
}

/** Running counts of what the simulation emitted. */
export class SimStats {
  transactions = 0;
  fraud = 0;
  labels = 0;
  /** Highest day index that emitted a transaction, + 1. */
  days = 0;
  readonly byScenario = new Map<ScenarioId, number>();

  countTransaction(day: number, scenario: ScenarioId | null): void {
    this.transactions++;
    if (day + 1 > this.days) this.days = day + 1;
    if (scenario) {
      this.fraud++;
      this.byScenario.set(scenario, (this.byScenario.get(scenario) ?? 0) + 1);
    }
  }

  countLabel(): void {
    this.labels++;
  }

  summary(): StatsSummary {
    return {
      days: this.days,
      transactions: this.transactions,
      transactionsPerDay: this.days === 0 ? 0 : this.transactions / this.days,
      fraud: this.fraud,
      fraudRate: this.transactions === 0 ? 0 : this.fraud / this.transactions,
      byScenario: Object.fromEntries(this.byScenario),
      labels: this.labels,
    };
  }
}
