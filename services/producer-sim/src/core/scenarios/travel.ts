import { SECONDS_PER_DAY } from '../day-rows.ts';
import type { DayRows } from '../day-rows.ts';
import { Channel } from '../decoration.ts';
import { FOREIGN_CITIES, travelSeconds } from '../geography.ts';
import { cumulativeWeights } from '../random.ts';
import type { Rng } from '../random.ts';
import { activeCustomer, perDay } from './day-step.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';

const TRIPS_PER_DAY = 2;
const MIN_TRIP_DAYS = 2;
const MAX_TRIP_DAYS = 10;

interface Trip {
  city: number;
  /** Absolute simulated seconds: leaves home, lands abroad, leaves abroad, lands home. */
  departs: number;
  arrives: number;
  returns: number;
  home: number;
}

/**
 * Genuine travel, the honest twin of impossible travel: customers fly abroad for a few days and pay in person
 * there. Nothing is spent while in the air, so consecutive card-present uses are always reachable in time,
 * and a foreign country on its own says little about fraud.
 */
export class Travel implements DayStep {
  readonly phase = 'genuine';
  readonly #deps: ScenarioDeps;
  readonly #rng: Rng;
  readonly #trips = new Map<number, Trip>();
  readonly #cities = cumulativeWeights(FOREIGN_CITIES.map((c) => c.weight));

  constructor(deps: ScenarioDeps, rng: Rng) {
    this.#deps = deps;
    this.#rng = rng;
  }

  applyDay(day: number, rows: DayRows): void {
    this.#startTrips(day);
    if (this.#trips.size === 0) return;
    const { world, decorator } = this.#deps;
    const dayStart = day * SECONDS_PER_DAY;
    for (let i = 0; i < rows.length; i++) {
      const trip = this.#trips.get(rows.customer[i]!);
      if (!trip || rows.channel[i] === Channel.ECOMMERCE) continue;
      const t = dayStart + rows.sec[i]!;
      if (t < trip.departs || t >= trip.home) continue;
      if (t < trip.arrives || t >= trip.returns) {
        rows.sec[i] = -1; // in the air
        continue;
      }
      rows.terminal[i] = world.cityTerminal(trip.city, this.#rng);
      decorator.decorate(rows, i, day);
    }
    const nextDay = dayStart + SECONDS_PER_DAY;
    for (const [customer, trip] of this.#trips) if (trip.home <= nextDay) this.#trips.delete(customer);
  }

  #startTrips(day: number): void {
    const { world } = this.#deps;
    const rng = this.#rng;
    const count = rng.poisson(perDay(this.#deps, TRIPS_PER_DAY));
    for (let k = 0; k < count; k++) {
      const customer = activeCustomer(this.#deps, (n) => rng.int(n));
      if (customer < 0 || this.#trips.has(customer)) continue;
      const city = rng.weighted(this.#cities);
      const start = world.cityStart[city]!;
      if (world.cityStart[city + 1] === start) continue;
      const km = world.distanceKm(start, world.customerX[customer]!, world.customerY[customer]!);
      const flight = travelSeconds(km);
      const departs = day * SECONDS_PER_DAY + Math.round(rng.uniform(6, 20) * 3600);
      const length = MIN_TRIP_DAYS + rng.int(MAX_TRIP_DAYS - MIN_TRIP_DAYS + 1);
      const returns = (day + length) * SECONDS_PER_DAY + Math.round(rng.uniform(6, 20) * 3600);
      this.#trips.set(customer, { city, departs, arrives: departs + flight, returns, home: returns + flight });
    }
  }
}
