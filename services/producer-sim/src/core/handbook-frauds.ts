import { scenarioCode } from './scenario-ids.ts';
import type { ScenarioId } from './scenario-ids.ts';
import type { DayRows } from './day-rows.ts';
import type { Rng } from './random.ts';
import type { World } from './world.ts';

const AMOUNT_LIMIT_MINOR = 22_000;
/** Per 10,000 terminals and per 5,000 customers (the Handbook's world); scaled so bigger worlds keep the mix. */
const TERMINALS_PER_DAY = 2;
const TERMINAL_DAYS = 28;
const CARDS_PER_DAY = 3;
const CARD_DAYS = 14;
const CARD_FRAUD_SHARE = 1 / 3;
const CARD_FRAUD_FACTOR = 5;

const AMOUNT = scenarioCode('amount-over-220');
const TERMINAL = scenarioCode('compromised-terminal');
const CARD = scenarioCode('compromised-card');

/**
 * The Handbook's three fraud scenarios, applied in its order so a later one overrides an earlier one's label.
 * The Handbook marks exactly int(n / 3) of a compromised card's transactions after the fact; a stream cannot
 * look ahead, so here each transaction in the window is fraud with probability 1/3 (the same share on average).
 */
export class HandbookFrauds {
  readonly #world: World;
  readonly #rng: Rng;
  readonly #enabled: ReadonlySet<ScenarioId>;
  /** Day until which (exclusive) each terminal / customer stays compromised. */
  readonly #terminalUntil: Int32Array;
  readonly #customerUntil: Int32Array;

  constructor(world: World, rng: Rng, enabled: ReadonlySet<ScenarioId>) {
    this.#world = world;
    this.#rng = rng;
    this.#enabled = enabled;
    this.#terminalUntil = new Int32Array(world.homeTerminalCount);
    this.#customerUntil = new Int32Array(world.customerCount);
  }

  /** Compromises this day's terminals and cards, then labels (and for cards inflates) this day's rows. */
  applyDay(day: number, rows: DayRows): void {
    const world = this.#world;
    if (this.#enabled.has('compromised-terminal')) {
      const count = scaled(TERMINALS_PER_DAY, world.homeTerminalCount / 10_000);
      this.#compromise(this.#terminalUntil, count, day + TERMINAL_DAYS);
    }
    if (this.#enabled.has('compromised-card')) {
      this.#compromise(this.#customerUntil, scaled(CARDS_PER_DAY, world.customerCount / 5_000), day + CARD_DAYS);
    }
    const amountRule = this.#enabled.has('amount-over-220');
    const homeTerminals = world.homeTerminalCount;
    for (let i = 0; i < rows.length; i++) {
      if (rows.injected[i] === 1 || rows.sec[i]! < 0) continue;
      if (amountRule && rows.amountMinor[i]! > AMOUNT_LIMIT_MINOR) rows.scenario[i] = AMOUNT;
      const terminal = rows.terminal[i]!;
      if (terminal < homeTerminals && this.#terminalUntil[terminal]! > day) rows.scenario[i] = TERMINAL;
      if (this.#customerUntil[rows.customer[i]!]! > day && this.#rng.chance(CARD_FRAUD_SHARE)) {
        rows.amountMinor[i] = rows.amountMinor[i]! * CARD_FRAUD_FACTOR;
        rows.scenario[i] = CARD;
      }
    }
  }

  isTerminalCompromised(terminal: number, day: number): boolean {
    return this.#terminalUntil[terminal]! > day;
  }

  isCustomerCompromised(customer: number, day: number): boolean {
    return this.#customerUntil[customer]! > day;
  }

  /** Distinct random entities (pandas `sample(n)`), each compromised until `until` (kept if already later). */
  #compromise(until: Int32Array, count: number, end: number): void {
    const n = Math.min(count, until.length);
    const picked = new Set<number>();
    while (picked.size < n) picked.add(this.#rng.int(until.length));
    for (const entity of picked) until[entity] = Math.max(until[entity]!, end);
  }
}

function scaled(count: number, factor: number): number {
  return Math.max(1, Math.round(count * factor));
}
