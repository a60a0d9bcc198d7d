import { hash32 } from './random.ts';

// First octets of public, non-reserved IPv4 ranges common for European residential and mobile networks.
const FIRST_OCTETS = [31, 37, 46, 62, 77, 78, 79, 81, 84, 85, 87, 88, 91, 94, 109, 176, 178, 188, 193, 212, 213, 217];

const CARD = 1;
const CARD_LOW = 2;
const CUSTOMER = 3;
const DEVICE = 4;
const HOME_IP = 5;
const MOBILE_IP = 6;
const FRAUD_DEVICE = 7;
const FRAUD_IP = 8;

/**
 * Identifiers derived from indices by hashing with the seed, so they are stable, unguessable across seeds, and
 * never stored per entity. Cards are tokens (`card-` + two groups of 8 hex digits), never card numbers: the
 * hyphen keeps any run of decimal digits far shorter than a card number's 13-19, so data-loss scanners stay quiet.
 */
export class Tokens {
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed >>> 0;
  }

  cardId(customer: number): string {
    return `card-${hex8(hash32(this.#seed, customer, CARD))}-${hex8(hash32(this.#seed, customer, CARD_LOW))}`;
  }

  customerId(customer: number): string {
    return `cust-${hex8(hash32(this.#seed, customer, CUSTOMER))}`;
  }

  terminalId(terminal: number): string {
    return `term-${hex8(terminal)}`;
  }

  merchantId(merchant: number): string {
    return `merch-${hex8(merchant)}`;
  }

  /** The customer's `generation`-th own device (a new phone is the next generation). */
  ownDevice(customer: number, generation: number): number {
    return hash32(this.#seed, customer, (DEVICE << 16) | generation) || 1;
  }

  homeIp(customer: number): number {
    return hash32(this.#seed, customer, HOME_IP) || 1;
  }

  /** Mobile networks hand out a different address every day. */
  mobileIp(customer: number, day: number): number {
    return hash32(this.#seed ^ day, customer, MOBILE_IP) || 1;
  }

  fraudDevice(serial: number): number {
    return hash32(this.#seed, serial, FRAUD_DEVICE) || 1;
  }

  fraudIp(serial: number): number {
    return hash32(this.#seed, serial, FRAUD_IP) || 1;
  }

  deviceId(token: number): string {
    return `dev-${hex8(token)}`;
  }

  ipAddress(token: number): string {
    const first = FIRST_OCTETS[(token >>> 24) % FIRST_OCTETS.length]!;
    return `${first}.${(token >>> 16) & 0xff}.${(token >>> 8) & 0xff}.${1 + ((token & 0xff) % 254)}`;
  }
}

// Two hex digits per byte from a table: several times faster than toString(16).padStart on the hot path.
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return BYTE_HEX[n >>> 24]! + BYTE_HEX[(n >>> 16) & 0xff]! + BYTE_HEX[(n >>> 8) & 0xff]! + BYTE_HEX[n & 0xff]!;
}
