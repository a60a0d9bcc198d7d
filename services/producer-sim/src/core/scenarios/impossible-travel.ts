import { SECONDS_PER_DAY } from '../day-rows.ts';
import type { DayRows } from '../day-rows.ts';
import { Channel } from '../decoration.ts';
import { FOREIGN_CITIES, MAX_TRAVEL_KMH, travelSeconds } from '../geography.ts';
import { TerminalKind } from '../merchants.ts';
import { cumulativeWeights } from '../random.ts';
import type { Rng } from '../random.ts';
import { scenarioCode } from '../scenario-ids.ts';
import { perDay } from './day-step.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';

const VICTIMS_PER_DAY = 1.5;
const ABROAD_SHARE = 0.7;
const MAX_USES = 3;
const MEAN_GAP_BETWEEN_USES = 15 * 60;
/** At home, the clone is used at the farthest of this many random terminals. */
const HOME_CANDIDATES = 20;

const CODE = scenarioCode('impossible-travel');

/**
 * A skimmed card is cloned and used in person far from where its owner just paid: abroad (70%) or across the
 * home country, sooner than anyone could get there (within half the travel time, and faster than
 * MAX_TRAVEL_KMH at home).
 */
export class ImpossibleTravel implements DayStep {
  readonly phase = 'fraud';
  readonly #deps: ScenarioDeps;
  readonly #rng: Rng;
  readonly #cities = cumulativeWeights(FOREIGN_CITIES.map((c) => c.weight));

  constructor(deps: ScenarioDeps, rng: Rng) {
    this.#deps = deps;
    this.#rng = rng;
  }

  applyDay(_day: number, rows: DayRows): void {
    const rng = this.#rng;
    const genuineRows = rows.length;
    if (genuineRows === 0) return;
    const victims = rng.poisson(perDay(this.#deps, VICTIMS_PER_DAY));
    for (let v = 0; v < victims; v++) {
      const anchor = this.#findAnchor(rows, genuineRows);
      if (anchor >= 0) this.#useClone(rows, anchor);
    }
  }

  /** A genuine in-person use at home, the owner's last known position. */
  #findAnchor(rows: DayRows, genuineRows: number): number {
    const world = this.#deps.world;
    for (let attempt = 0; attempt < 32; attempt++) {
      const i = this.#rng.int(genuineRows);
      const channel = rows.channel[i];
      if (rows.injected[i] === 1 || rows.scenario[i] !== 0 || rows.sec[i]! < 0) continue;
      if (channel === Channel.ECOMMERCE || channel === Channel.MOTO) continue;
      if (rows.terminal[i]! >= world.homeTerminalCount) continue;
      return i;
    }
    return -1;
  }

  #useClone(rows: DayRows, anchor: number): void {
    const { world } = this.#deps;
    const rng = this.#rng;
    const from = rows.terminal[anchor]!;
    const x = world.terminalX[from]!;
    const y = world.terminalY[from]!;
    const abroad = world.cityStart[FOREIGN_CITIES.length]! > world.homeTerminalCount && rng.chance(ABROAD_SHARE);
    const city = rng.weighted(this.#cities);
    const first = abroad ? world.cityTerminal(city, rng) : this.#farHomeTerminal(x, y);
    const km = world.distanceKm(first, x, y);
    const reachable = abroad ? travelSeconds(km) : (km / MAX_TRAVEL_KMH) * 3600;
    let sec = rows.sec[anchor]! + Math.max(60, rng.uniform(0.1, 0.5) * reachable);
    const customer = rows.customer[anchor]!;
    const mean = world.meanAmount[customer]!;
    const uses = 1 + rng.int(MAX_USES);
    for (let u = 0; u < uses && sec < SECONDS_PER_DAY; u++) {
      const terminal = u === 0 || !abroad ? first : world.cityTerminal(city, rng);
      const amount = Math.max(10, rng.normal(2 * mean, mean));
      const i = rows.pushFraud(Math.floor(sec), customer, terminal, Math.round(amount * 100), CODE);
      // A clone carries the magnetic stripe or chip data, not the contactless keys.
      rows.channel[i] = world.terminalKind[terminal] === TerminalKind.ATM ? Channel.ATM : Channel.CARD_PRESENT;
      sec += rng.exponential(MEAN_GAP_BETWEEN_USES);
    }
  }

  #farHomeTerminal(x: number, y: number): number {
    const world = this.#deps.world;
    let best = 0;
    let bestKm = -1;
    for (let k = 0; k < HOME_CANDIDATES; k++) {
      const t = this.#rng.int(world.homeTerminalCount);
      if (world.terminalKind[t] === TerminalKind.ECOM) continue;
      const km = world.distanceKm(t, x, y);
      if (km > bestKm) {
        best = t;
        bestKm = km;
      }
    }
    return best;
  }
}
