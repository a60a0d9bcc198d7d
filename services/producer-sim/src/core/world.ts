import { CITY_RADIUS_KM, FOREIGN_CITIES, HOME_COUNTRY } from './geography.ts';
import { KIND_WEIGHTS, MccTable, TerminalKind } from './merchants.ts';
import { cumulativeWeights, Rng } from './random.ts';
import { SpatialGrid } from './spatial-grid.ts';

export interface WorldParams {
  readonly seed: number;
  readonly customers: number;
  readonly terminals: number;
  /** Side of the home square, km. */
  readonly planeKm: number;
  /** A customer uses the home terminals strictly within this distance, km (the Handbook's r = 5). */
  readonly radiusKm: number;
  /** Extra terminals in foreign cities (0 for the pure Handbook world). */
  readonly foreignTerminals: number;
}

/** Share of point-of-sale terminals that belong to a chain (shared merchant id and category). */
const CHAIN_SHARE = 0.25;
const TERMINALS_PER_CHAIN = 300;
const FOREIGN_ATM_SHARE = 0.1;

/**
 * Customers and terminals as columns of typed arrays: memory is a few dozen bytes per entity, so millions of
 * each fit, and nothing here is allocated per transaction.
 */
export class World {
  readonly params: WorldParams;
  readonly customerCount: number;
  /** Home terminals are `0..homeTerminalCount-1`; foreign ones follow, grouped by city. */
  readonly homeTerminalCount: number;
  readonly terminalCount: number;

  readonly customerX: Float64Array;
  readonly customerY: Float64Array;
  readonly meanAmount: Float64Array;
  readonly meanTxPerDay: Float64Array;
  /** 1 if the customer has at least one home terminal within the radius (else it never transacts). */
  readonly customerActive: Uint8Array;

  readonly terminalX: Float64Array;
  readonly terminalY: Float64Array;
  readonly terminalKind: Uint8Array;
  readonly terminalMcc: Uint16Array;
  readonly terminalMerchant: Uint32Array;
  /** 0 = home, i + 1 = FOREIGN_CITIES[i]. */
  readonly terminalCountry: Uint8Array;
  /** `cityStart[i]..cityStart[i+1]` are the terminals of FOREIGN_CITIES[i]. */
  readonly cityStart: Uint32Array;
  readonly countryCodes: readonly string[];

  readonly grid: SpatialGrid;
  /** Home terminals by kind and by risk, for scenarios that pick a terminal anywhere. */
  readonly ecomTerminals: Uint32Array;
  readonly highRiskTerminals: Uint32Array;

  constructor(params: WorldParams, highRiskMccs: ReadonlySet<number>) {
    this.params = params;
    const rng = new Rng(params.seed, 1);
    const n = params.customers;
    this.customerCount = n;
    this.customerX = new Float64Array(n);
    this.customerY = new Float64Array(n);
    this.meanAmount = new Float64Array(n);
    this.meanTxPerDay = new Float64Array(n);
    // The Handbook's customer profile, drawn in its order.
    for (let c = 0; c < n; c++) {
      this.customerX[c] = rng.uniform(0, params.planeKm);
      this.customerY[c] = rng.uniform(0, params.planeKm);
      this.meanAmount[c] = rng.uniform(5, 100);
      this.meanTxPerDay[c] = rng.uniform(0, 4);
    }

    const home = params.terminals;
    const total = home + params.foreignTerminals;
    this.homeTerminalCount = home;
    this.terminalCount = total;
    this.terminalX = new Float64Array(total);
    this.terminalY = new Float64Array(total);
    this.terminalKind = new Uint8Array(total);
    this.terminalMcc = new Uint16Array(total);
    this.terminalMerchant = new Uint32Array(total);
    this.terminalCountry = new Uint8Array(total);
    for (let t = 0; t < home; t++) {
      this.terminalX[t] = rng.uniform(0, params.planeKm);
      this.terminalY[t] = rng.uniform(0, params.planeKm);
    }
    this.#assignMerchants(rng, 0, home);
    this.cityStart = this.#placeForeignTerminals(rng, home, total);
    this.#assignMerchants(rng, home, total);
    this.countryCodes = [HOME_COUNTRY, ...FOREIGN_CITIES.map((c) => c.country)];

    this.grid = new SpatialGrid(this.terminalX, this.terminalY, home, params.planeKm, params.radiusKm);
    this.customerActive = new Uint8Array(n);
    for (let c = 0; c < n; c++) {
      this.customerActive[c] = this.grid.anyWithin(this.customerX[c]!, this.customerY[c]!, params.radiusKm) ? 1 : 0;
    }
    this.ecomTerminals = this.#homeTerminalsWhere((t) => this.terminalKind[t] === TerminalKind.ECOM);
    this.highRiskTerminals = this.#homeTerminalsWhere((t) => highRiskMccs.has(this.terminalMcc[t]!));
  }

  /** A home terminal drawn uniformly among those within the radius of the customer, or -1. */
  nearbyTerminal(customer: number, rng: Rng): number {
    return this.grid.sample(this.customerX[customer]!, this.customerY[customer]!, this.params.radiusKm, rng);
  }

  /** A terminal of foreign city `city`, uniformly. */
  cityTerminal(city: number, rng: Rng): number {
    const start = this.cityStart[city]!;
    return start + rng.int(this.cityStart[city + 1]! - start);
  }

  distanceKm(terminal: number, x: number, y: number): number {
    return Math.hypot(this.terminalX[terminal]! - x, this.terminalY[terminal]! - y);
  }

  /** Bytes held by the typed arrays (the resident size of the world, give or take object headers). */
  get byteLength(): number {
    const arrays = [
      this.customerX,
      this.customerY,
      this.meanAmount,
      this.meanTxPerDay,
      this.customerActive,
      this.terminalX,
      this.terminalY,
      this.terminalKind,
      this.terminalMcc,
      this.terminalMerchant,
      this.terminalCountry,
      this.ecomTerminals,
      this.highRiskTerminals,
    ];
    return arrays.reduce((sum, a) => sum + a.byteLength, this.grid.byteLength);
  }

  #assignMerchants(rng: Rng, from: number, to: number): void {
    const mccs = new MccTable();
    const pick = (cumulative: Float64Array): number => rng.weighted(cumulative);
    const kinds = cumulativeWeights(KIND_WEIGHTS);
    const chains = Math.max(1, Math.round((to - from) / TERMINALS_PER_CHAIN));
    const chainMcc = Array.from({ length: chains }, () => mccs.mccFor(TerminalKind.POS, pick));
    const foreign = from >= this.homeTerminalCount;
    for (let t = from; t < to; t++) {
      const kind = foreign
        ? rng.chance(FOREIGN_ATM_SHARE)
          ? TerminalKind.ATM
          : TerminalKind.POS
        : (rng.weighted(kinds) as TerminalKind);
      this.terminalKind[t] = kind;
      if (kind === TerminalKind.POS && rng.chance(CHAIN_SHARE)) {
        const chain = rng.int(chains);
        this.terminalMcc[t] = chainMcc[chain]!;
        // Chain merchants are numbered after every terminal's own merchant number.
        this.terminalMerchant[t] = this.terminalCount + (foreign ? chains : 0) + chain;
      } else {
        this.terminalMcc[t] = mccs.mccFor(kind, pick);
        this.terminalMerchant[t] = t;
      }
    }
  }

  #placeForeignTerminals(rng: Rng, from: number, to: number): Uint32Array {
    const weights = FOREIGN_CITIES.map((c) => c.weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    const start = new Uint32Array(FOREIGN_CITIES.length + 1);
    const centre = this.params.planeKm / 2;
    let t = from;
    FOREIGN_CITIES.forEach((city, i) => {
      start[i] = t;
      const share = i === FOREIGN_CITIES.length - 1 ? to - t : Math.round(((to - from) * city.weight) / sum);
      for (let k = 0; k < share && t < to; k++, t++) {
        this.terminalX[t] = centre + city.east + rng.normal(0, CITY_RADIUS_KM);
        this.terminalY[t] = centre + city.north + rng.normal(0, CITY_RADIUS_KM);
        this.terminalCountry[t] = i + 1;
      }
    });
    start[FOREIGN_CITIES.length] = to;
    return start;
  }

  #homeTerminalsWhere(predicate: (t: number) => boolean): Uint32Array {
    let count = 0;
    for (let t = 0; t < this.homeTerminalCount; t++) if (predicate(t)) count++;
    const out = new Uint32Array(count);
    for (let t = 0, k = 0; t < this.homeTerminalCount; t++) if (predicate(t)) out[k++] = t;
    return out;
  }
}
