import { ABSENT_CONTEXT, CHANNELS } from '../../../../schemas/src/types.ts';
import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import { CURRENCY, HOME_COUNTRY } from './geography.ts';
import type { DayRows } from './day-rows.ts';
import type { Tokens } from './tokens.ts';
import type { World } from './world.ts';

/**
 * What a feed tells of a transaction beyond card, terminal, amount and time: `full` everything the world knows;
 * `constant` what a processor that sends only those four gives, the rest set to one neutral value (one MCC, one
 * channel, the home country, the origin as position, no device or IP), as the Handbook's data has; `absent` the
 * same four with the rest null, as Transaction schema version 3 allows.
 */
export type FeedContext = 'full' | 'constant' | 'absent';
export const FEED_CONTEXTS: readonly FeedContext[] = ['full', 'constant', 'absent'];

/** The neutral context of a `constant` feed: miscellaneous retail, card present, at home. */
const CONSTANT_MCC = 5999;
const CONSTANT_CHANNEL = 'CARD_PRESENT';

/** Turns a row of a day into the records that cross the wire. */
export class RecordFactory {
  readonly #world: World;
  readonly #tokens: Tokens;
  readonly #runId: string;
  readonly #context: FeedContext;

  constructor(world: World, tokens: Tokens, runId: string, context: FeedContext = 'full') {
    this.#world = world;
    this.#tokens = tokens;
    this.#runId = runId;
    this.#context = context;
  }

  transaction(rows: DayRows, i: number, eventTime: number, serial: number): Transaction {
    const world = this.#world;
    const tokens = this.#tokens;
    const customer = rows.customer[i]!;
    const terminal = rows.terminal[i]!;
    const device = rows.device[i]!;
    const ip = rows.ip[i]!;
    const base = {
      transactionId: `${this.#runId}-${serial.toString(16).padStart(10, '0')}`,
      cardId: tokens.cardId(customer),
      customerId: tokens.customerId(customer),
      terminalId: tokens.terminalId(terminal),
      merchantId: tokens.merchantId(world.terminalMerchant[terminal]!),
      mcc: world.terminalMcc[terminal]!,
      amountMinor: rows.amountMinor[i]!,
      currency: CURRENCY,
      eventTime,
      channel: CHANNELS[rows.channel[i]!]!,
      terminalCountry: world.countryCodes[world.terminalCountry[terminal]!]!,
      // Rounded to metres: keeps files small and values exact in text.
      terminalX: Math.round(world.terminalX[terminal]! * 1000) / 1000,
      terminalY: Math.round(world.terminalY[terminal]! * 1000) / 1000,
      deviceId: device === 0 ? null : tokens.deviceId(device),
      ipAddress: ip === 0 ? null : tokens.ipAddress(ip),
    };
    if (this.#context === 'full') return base;
    if (this.#context === 'absent') return { ...base, ...ABSENT_CONTEXT };
    return {
      ...base,
      mcc: CONSTANT_MCC,
      channel: CONSTANT_CHANNEL,
      terminalCountry: HOME_COUNTRY,
      terminalX: 0,
      terminalY: 0,
      deviceId: null,
      ipAddress: null,
    };
  }

  label(tx: Transaction, scenario: string, reportedAt: number): Label {
    return {
      transactionId: tx.transactionId,
      cardId: tx.cardId,
      terminalId: tx.terminalId,
      scenario,
      eventTime: tx.eventTime,
      reportedAt,
    };
  }
}
