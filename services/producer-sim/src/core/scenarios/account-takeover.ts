import { SECONDS_PER_DAY } from '../day-rows.ts';
import type { DayRows } from '../day-rows.ts';
import { Channel } from '../decoration.ts';
import { TerminalKind } from '../merchants.ts';
import type { Rng } from '../random.ts';
import { scenarioCode } from '../scenario-ids.ts';
import { activeCustomer, perDay } from './day-step.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';

const TAKEOVERS_PER_DAY = 1;
const MIN_PURCHASES = 2;
const MAX_PURCHASES = 5;
const MEAN_GAP_SECONDS = 40 * 60;
const HIGH_RISK_SHARE = 0.6;

const CODE = scenarioCode('account-takeover');

/**
 * Someone takes over a customer's online account: a device and IP never seen for this card, a small probe,
 * then several purchases of three to ten times the customer's usual amount within hours, mostly in
 * categories that resell well.
 */
export class AccountTakeover implements DayStep {
  readonly phase = 'fraud';
  readonly #deps: ScenarioDeps;
  readonly #rng: Rng;
  readonly #highRiskEcom: Uint32Array;
  #serial = 0;

  constructor(deps: ScenarioDeps, rng: Rng) {
    this.#deps = deps;
    this.#rng = rng;
    this.#highRiskEcom = deps.world.highRiskTerminals.filter((t) => deps.world.terminalKind[t] === TerminalKind.ECOM);
  }

  applyDay(_day: number, rows: DayRows): void {
    const rng = this.#rng;
    const { world, tokens } = this.#deps;
    if (world.ecomTerminals.length === 0) return;
    const takeovers = rng.poisson(perDay(this.#deps, TAKEOVERS_PER_DAY));
    for (let k = 0; k < takeovers; k++) {
      const customer = activeCustomer(this.#deps, (n) => rng.int(n));
      if (customer < 0) continue;
      const serial = (CODE << 24) | this.#serial++;
      const device = tokens.fraudDevice(serial);
      const ip = tokens.fraudIp(serial);
      const mean = world.meanAmount[customer]!;
      let sec = rng.uniform(6, 20) * 3600;
      const purchases = MIN_PURCHASES + rng.int(MAX_PURCHASES - MIN_PURCHASES + 1);
      for (let p = 0; p <= purchases && sec < SECONDS_PER_DAY; p++) {
        const probe = p === 0;
        const amount = probe ? rng.uniform(1, 20) : mean * rng.uniform(3, 10);
        const i = rows.pushFraud(Math.floor(sec), customer, this.#terminal(probe), Math.round(amount * 100), CODE);
        rows.channel[i] = Channel.ECOMMERCE;
        rows.device[i] = device;
        rows.ip[i] = ip;
        sec += rng.exponential(MEAN_GAP_SECONDS);
      }
    }
  }

  #terminal(probe: boolean): number {
    const rng = this.#rng;
    const risky = this.#highRiskEcom;
    if (!probe && risky.length > 0 && rng.chance(HIGH_RISK_SHARE)) return risky[rng.int(risky.length)]!;
    const ecom = this.#deps.world.ecomTerminals;
    return ecom[rng.int(ecom.length)]!;
  }
}
