import type { Decorator } from './decoration.ts';
import { SECONDS_PER_DAY } from './day-rows.ts';
import type { DayRows } from './day-rows.ts';
import type { Rng } from './random.ts';
import type { World } from './world.ts';

const MEAN_SECOND = SECONDS_PER_DAY / 2;
const STD_SECOND = 20_000;

/**
 * The genuine spending of the Fraud Detection Handbook generator (Le Borgne et al., chapter 3): per customer
 * per day n ~ Poisson(mean per day); each time ~ N(43,200 s, 20,000 s), dropped unless strictly inside the day;
 * amount ~ N(mean, mean / 2), redrawn U(0, 2 * mean) if negative, rounded to cents; a terminal drawn uniformly
 * among those within the radius.
 */
export class HandbookSpending {
  readonly #world: World;
  readonly #rng: Rng;
  readonly #decorator: Decorator;

  constructor(world: World, rng: Rng, decorator: Decorator) {
    this.#world = world;
    this.#rng = rng;
    this.#decorator = decorator;
  }

  generateDay(day: number, rows: DayRows): void {
    const world = this.#world;
    const rng = this.#rng;
    for (let c = 0; c < world.customerCount; c++) {
      if (world.customerActive[c] === 0) continue;
      const n = rng.poisson(world.meanTxPerDay[c]!);
      const mean = world.meanAmount[c]!;
      for (let k = 0; k < n; k++) {
        const sec = Math.trunc(rng.normal(MEAN_SECOND, STD_SECOND));
        if (sec <= 0 || sec >= SECONDS_PER_DAY) continue;
        let amount = rng.normal(mean, mean / 2);
        if (amount < 0) amount = rng.uniform(0, 2 * mean);
        const terminal = world.nearbyTerminal(c, rng);
        const i = rows.push(sec, c, terminal, Math.round(amount * 100));
        this.#decorator.decorate(rows, i, day);
      }
    }
  }
}
