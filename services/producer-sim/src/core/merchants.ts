import { cumulativeWeights } from './random.ts';

/** What a terminal is; it decides the channel of the transactions made there. */
export const TerminalKind = { POS: 0, ECOM: 1, ATM: 2 } as const;
export type TerminalKind = (typeof TerminalKind)[keyof typeof TerminalKind];

export const KIND_WEIGHTS = [78, 18, 4];

interface MccShare {
  mcc: number;
  weight: number;
}

// Shares loosely follow European card-spend mixes. High-risk categories (electronics, jewellery, gambling,
// money transfer, quasi-cash) exist in ordinary spending too, so a category alone never names fraud.
const POS_MCCS: MccShare[] = [
  { mcc: 5411, weight: 22 }, // grocery
  { mcc: 5812, weight: 12 }, // restaurants
  { mcc: 5814, weight: 10 }, // fast food
  { mcc: 5541, weight: 8 }, // fuel
  { mcc: 5912, weight: 5 }, // pharmacies
  { mcc: 5651, weight: 6 }, // clothing
  { mcc: 5999, weight: 6 }, // miscellaneous retail
  { mcc: 5311, weight: 4 }, // department stores
  { mcc: 4111, weight: 4 }, // local transport
  { mcc: 5921, weight: 1.5 }, // liquor
  { mcc: 7832, weight: 1 }, // cinemas
  { mcc: 7011, weight: 1.5 }, // hotels
  { mcc: 5732, weight: 2 }, // electronics
  { mcc: 5944, weight: 0.7 }, // jewellery
  { mcc: 7995, weight: 0.5 }, // betting
];

const ECOM_MCCS: MccShare[] = [
  { mcc: 5969, weight: 12 }, // direct marketing / online retail
  { mcc: 4899, weight: 8 }, // streaming and subscriptions
  { mcc: 5815, weight: 8 }, // digital media
  { mcc: 5812, weight: 6 }, // food delivery
  { mcc: 4121, weight: 5 }, // ride hailing
  { mcc: 5311, weight: 6 }, // online department stores
  { mcc: 5732, weight: 4 }, // electronics
  { mcc: 4722, weight: 3 }, // travel agencies
  { mcc: 5947, weight: 1 }, // gift cards
  { mcc: 7995, weight: 1 }, // online betting
  { mcc: 4829, weight: 0.7 }, // money transfer
  { mcc: 6051, weight: 0.5 }, // quasi-cash, crypto
];

/** Categories that fraudsters cash out in: the targets of the category-shift and account-takeover scenarios. */
export const HIGH_RISK_MCCS: ReadonlySet<number> = new Set([5732, 5944, 7995, 5947, 4829, 6051]);

export const ATM_MCC = 6011;

export const MCC_MOTO_CAPABLE: ReadonlySet<number> = new Set([7011, 4722]);

export class MccTable {
  readonly #pos = POS_MCCS.map((s) => s.mcc);
  readonly #posCumulative = cumulativeWeights(POS_MCCS.map((s) => s.weight));
  readonly #ecom = ECOM_MCCS.map((s) => s.mcc);
  readonly #ecomCumulative = cumulativeWeights(ECOM_MCCS.map((s) => s.weight));

  /** `pick` draws an index from cumulative weights (injected so the caller's random stream is used). */
  mccFor(kind: TerminalKind, pick: (cumulative: Float64Array) => number): number {
    if (kind === TerminalKind.ATM) return ATM_MCC;
    if (kind === TerminalKind.ECOM) return this.#ecom[pick(this.#ecomCumulative)]!;
    return this.#pos[pick(this.#posCumulative)]!;
  }
}
