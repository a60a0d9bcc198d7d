import type { Rng } from '../random.ts';
import { activeCustomer, perDay } from './day-step.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';

const CHANGES_PER_DAY = 3;

/**
 * Genuine new phones, the honest twin of account takeover: from the next day on, the customer's online
 * purchases come from a device never seen before, at their usual amounts.
 */
export class DeviceChange implements DayStep {
  readonly phase = 'genuine';
  readonly #deps: ScenarioDeps;
  readonly #rng: Rng;

  constructor(deps: ScenarioDeps, rng: Rng) {
    this.#deps = deps;
    this.#rng = rng;
  }

  applyDay(): void {
    const generation = this.#deps.decorator.deviceGeneration;
    const count = this.#rng.poisson(perDay(this.#deps, CHANGES_PER_DAY));
    for (let k = 0; k < count; k++) {
      const customer = activeCustomer(this.#deps, (n) => this.#rng.int(n));
      if (customer >= 0 && generation[customer]! < 0x7fff) generation[customer]!++;
    }
  }
}
