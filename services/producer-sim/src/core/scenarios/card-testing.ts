import { SECONDS_PER_DAY } from '../day-rows.ts';
import type { DayRows } from '../day-rows.ts';
import { Channel } from '../decoration.ts';
import { TerminalKind } from '../merchants.ts';
import type { Rng } from '../random.ts';
import { scenarioCode } from '../scenario-ids.ts';
import { perDay } from './day-step.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';

const BURSTS_PER_DAY = 0.5;
const MIN_CARDS = 5;
const MAX_CARDS = 20;
const MAX_ATTEMPTS_PER_CARD = 3;
const MEAN_GAP_SECONDS = 20;
const CASH_OUT_SHARE = 0.3;
/** Testers favour a few weakly protected shops: this share of e-commerce terminals. */
const WEAK_MERCHANT_SHARE = 0.02;

const CODE = scenarioCode('card-testing');

/**
 * A fraudster checks a batch of stolen cards at a weakly protected web shop: one to three tiny amounts per card
 * within minutes, all from one device and IP. Some validated cards are cashed out hours later, elsewhere.
 */
export class CardTesting implements DayStep {
  readonly phase = 'fraud';
  readonly #deps: ScenarioDeps;
  readonly #rng: Rng;
  readonly #weak: Uint32Array;
  readonly #cashOut: Uint32Array;
  #serial = 0;

  constructor(deps: ScenarioDeps, rng: Rng) {
    this.#deps = deps;
    this.#rng = rng;
    const ecom = deps.world.ecomTerminals;
    this.#weak = ecom.subarray(0, Math.max(1, Math.round(ecom.length * WEAK_MERCHANT_SHARE)));
    this.#cashOut = deps.world.highRiskTerminals.filter((t) => deps.world.terminalKind[t] === TerminalKind.ECOM);
  }

  applyDay(_day: number, rows: DayRows): void {
    const rng = this.#rng;
    const { world, tokens } = this.#deps;
    if (this.#weak.length === 0) return;
    const bursts = rng.poisson(perDay(this.#deps, BURSTS_PER_DAY));
    for (let b = 0; b < bursts; b++) {
      const serial = this.#nextSerial();
      const device = tokens.fraudDevice(serial);
      const ip = tokens.fraudIp(serial);
      const terminal = this.#weak[rng.int(this.#weak.length)]!;
      let sec = rng.uniform(0, SECONDS_PER_DAY - 3600);
      const cards = MIN_CARDS + rng.int(MAX_CARDS - MIN_CARDS + 1);
      for (let c = 0; c < cards; c++) {
        const customer = rng.int(world.customerCount);
        const attempts = 1 + rng.int(MAX_ATTEMPTS_PER_CARD);
        for (let a = 0; a < attempts; a++) {
          sec += rng.exponential(MEAN_GAP_SECONDS);
          if (sec >= SECONDS_PER_DAY) return;
          const i = rows.pushFraud(Math.floor(sec), customer, terminal, Math.round(rng.uniform(50, 300)), CODE);
          this.#cardNotPresent(rows, i, device, ip);
        }
        if (rng.chance(CASH_OUT_SHARE)) this.#cashOutLater(rows, customer, sec);
      }
    }
  }

  #cashOutLater(rows: DayRows, customer: number, after: number): void {
    const rng = this.#rng;
    const sec = after + rng.uniform(1, 6) * 3600;
    if (sec >= SECONDS_PER_DAY || this.#cashOut.length === 0) return;
    const terminal = this.#cashOut[rng.int(this.#cashOut.length)]!;
    const serial = this.#nextSerial();
    const i = rows.pushFraud(Math.floor(sec), customer, terminal, Math.round(rng.uniform(80, 400) * 100), CODE);
    this.#cardNotPresent(rows, i, this.#deps.tokens.fraudDevice(serial), this.#deps.tokens.fraudIp(serial));
  }

  #cardNotPresent(rows: DayRows, i: number, device: number, ip: number): void {
    rows.channel[i] = Channel.ECOMMERCE;
    rows.device[i] = device;
    rows.ip[i] = ip;
  }

  #nextSerial(): number {
    return (CODE << 24) | this.#serial++;
  }
}
