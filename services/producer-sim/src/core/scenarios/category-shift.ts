import type { DayRows } from '../day-rows.ts';
import { Channel } from '../decoration.ts';
import { TerminalKind } from '../merchants.ts';
import type { Rng } from '../random.ts';
import { scenarioCode } from '../scenario-ids.ts';
import { activeCustomer, perDay } from './day-step.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';

const VICTIMS_PER_DAY = 1;
const MIN_USES = 2;
const MAX_USES = 6;
const MAX_SPREAD_DAYS = 5;
const CONTACTLESS_LIMIT_MINOR = 5000;

const CODE = scenarioCode('category-shift');

interface PlannedUse {
  day: number;
  sec: number;
  customer: number;
  terminal: number;
  amountMinor: number;
  serial: number;
}

/**
 * Low and slow: a stolen card is spent over a few days in cash-out categories (electronics, jewellery,
 * betting, gift cards, money transfer, crypto) anywhere in the country, at amounts close to the customer's
 * usual ones. The signal is the change of category and place for this card, not any single value.
 */
export class CategoryShift implements DayStep {
  readonly phase = 'fraud';
  readonly #deps: ScenarioDeps;
  readonly #rng: Rng;
  #planned: PlannedUse[] = [];
  #serial = 0;

  constructor(deps: ScenarioDeps, rng: Rng) {
    this.#deps = deps;
    this.#rng = rng;
  }

  applyDay(day: number, rows: DayRows): void {
    this.#plan(day);
    const { world, tokens } = this.#deps;
    const later: PlannedUse[] = [];
    for (const use of this.#planned) {
      if (use.day !== day) {
        later.push(use);
        continue;
      }
      const i = rows.pushFraud(use.sec, use.customer, use.terminal, use.amountMinor, CODE);
      if (world.terminalKind[use.terminal] === TerminalKind.ECOM) {
        rows.channel[i] = Channel.ECOMMERCE;
        rows.device[i] = tokens.fraudDevice(use.serial);
        rows.ip[i] = tokens.fraudIp(use.serial);
      } else {
        const tap = use.amountMinor <= CONTACTLESS_LIMIT_MINOR && this.#rng.chance(0.5);
        rows.channel[i] = tap ? Channel.CONTACTLESS : Channel.CARD_PRESENT;
      }
    }
    this.#planned = later;
  }

  #plan(day: number): void {
    const rng = this.#rng;
    const { world } = this.#deps;
    const targets = world.highRiskTerminals;
    if (targets.length === 0) return;
    const victims = rng.poisson(perDay(this.#deps, VICTIMS_PER_DAY));
    for (let v = 0; v < victims; v++) {
      const customer = activeCustomer(this.#deps, (n) => rng.int(n));
      if (customer < 0) continue;
      const serial = (CODE << 24) | this.#serial++;
      const spread = 1 + rng.int(MAX_SPREAD_DAYS);
      const mean = world.meanAmount[customer]!;
      const uses = MIN_USES + rng.int(MAX_USES - MIN_USES + 1);
      for (let u = 0; u < uses; u++) {
        this.#planned.push({
          day: day + rng.int(spread),
          sec: Math.floor(rng.uniform(8, 22) * 3600),
          customer,
          terminal: targets[rng.int(targets.length)]!,
          amountMinor: Math.round(Math.max(5, rng.normal(1.5 * mean, mean / 2)) * 100),
          serial,
        });
      }
    }
  }
}
