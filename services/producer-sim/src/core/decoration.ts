import { MCC_MOTO_CAPABLE, TerminalKind } from './merchants.ts';
import type { DayRows } from './day-rows.ts';
import type { Rng } from './random.ts';
import type { Tokens } from './tokens.ts';
import type { World } from './world.ts';

/** Indices into CHANNELS (schemas/src/types.ts). */
export const Channel = { CARD_PRESENT: 0, CONTACTLESS: 1, ECOMMERCE: 2, ATM: 3, MOTO: 4 } as const;

const CONTACTLESS_LIMIT_MINOR = 5000;
const CONTACTLESS_SHARE = 0.7;
const MOTO_SHARE = 0.15;
const SECOND_DEVICE_SHARE = 0.15;
const MOBILE_IP_SHARE = 0.3;
const ATM_STEP_MINOR = 1000;

/**
 * What the Handbook does not model: how a genuine transaction reaches the terminal. The terminal's kind
 * decides the channel; e-commerce rows get one of the customer's own devices and IPs. Draws come from their
 * own stream so the Handbook's draws stay the same.
 */
export class Decorator {
  readonly #world: World;
  readonly #tokens: Tokens;
  readonly #rng: Rng;
  /** Which own device is the customer's current one; bumped when they change phone. */
  readonly deviceGeneration: Uint16Array;

  constructor(world: World, tokens: Tokens, rng: Rng) {
    this.#world = world;
    this.#tokens = tokens;
    this.#rng = rng;
    this.deviceGeneration = new Uint16Array(world.customerCount);
  }

  decorate(rows: DayRows, i: number, day: number): void {
    const terminal = rows.terminal[i]!;
    const kind = this.#world.terminalKind[terminal]!;
    if (kind === TerminalKind.ATM) {
      rows.channel[i] = Channel.ATM;
      rows.amountMinor[i] = Math.max(
        ATM_STEP_MINOR,
        Math.round(rows.amountMinor[i]! / ATM_STEP_MINOR) * ATM_STEP_MINOR,
      );
    } else if (kind === TerminalKind.ECOM) {
      rows.channel[i] = Channel.ECOMMERCE;
      this.ownDeviceAndIp(rows, i, day);
    } else if (MCC_MOTO_CAPABLE.has(this.#world.terminalMcc[terminal]!) && this.#rng.chance(MOTO_SHARE)) {
      rows.channel[i] = Channel.MOTO;
    } else {
      const tap = rows.amountMinor[i]! <= CONTACTLESS_LIMIT_MINOR && this.#rng.chance(CONTACTLESS_SHARE);
      rows.channel[i] = tap ? Channel.CONTACTLESS : Channel.CARD_PRESENT;
    }
  }

  ownDeviceAndIp(rows: DayRows, i: number, day: number): void {
    const customer = rows.customer[i]!;
    const generation = this.deviceGeneration[customer]!;
    // The second device (a laptop) is generation 0x8000: it outlives phone changes.
    rows.device[i] = this.#tokens.ownDevice(customer, this.#rng.chance(SECOND_DEVICE_SHARE) ? 0x8000 : generation);
    rows.ip[i] = this.#rng.chance(MOBILE_IP_SHARE)
      ? this.#tokens.mobileIp(customer, day)
      : this.#tokens.homeIp(customer);
  }
}
