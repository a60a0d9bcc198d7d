import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import type { ScenarioId } from '../core/scenario-ids.ts';

/** Serialises records as NDJSON or CSV lines (each ending in a newline). */
export interface TextFormat {
  readonly extension: string;
  readonly transactionHeader: string;
  readonly labelHeader: string;
  readonly truthHeader: string;
  transaction(tx: Transaction): string;
  label(label: Label): string;
  truth(transactionId: string, scenario: ScenarioId | null): string;
}

const TX_COLUMNS = [
  'transactionId',
  'cardId',
  'customerId',
  'terminalId',
  'merchantId',
  'mcc',
  'amountMinor',
  'currency',
  'eventTime',
  'channel',
  'terminalCountry',
  'terminalX',
  'terminalY',
  'deviceId',
  'ipAddress',
] as const satisfies readonly (keyof Transaction)[];

const LABEL_COLUMNS = [
  'transactionId',
  'cardId',
  'terminalId',
  'scenario',
  'eventTime',
  'reportedAt',
] as const satisfies readonly (keyof Label)[];

export const NDJSON: TextFormat = {
  extension: 'ndjson',
  transactionHeader: '',
  labelHeader: '',
  truthHeader: '',
  transaction: (tx) => `${JSON.stringify(tx)}\n`,
  label: (label) => `${JSON.stringify(label)}\n`,
  truth: (transactionId, scenario) =>
    `{"transactionId":${JSON.stringify(transactionId)},"isFraud":${scenario !== null},"scenario":${JSON.stringify(scenario)}}\n`,
};

/**
 * CSV for pandas and friends. The simulator's strings are tokens, codes and IPs (no commas, quotes or
 * newlines), so fields need no quoting; null is an empty field.
 */
export const CSV: TextFormat = {
  extension: 'csv',
  transactionHeader: `${TX_COLUMNS.join(',')}\n`,
  labelHeader: `${LABEL_COLUMNS.join(',')}\n`,
  truthHeader: 'transactionId,isFraud,scenario\n',
  transaction: (tx) =>
    `${tx.transactionId},${tx.cardId},${tx.customerId},${tx.terminalId},${tx.merchantId},${tx.mcc ?? ''},` +
    `${tx.amountMinor},${tx.currency},${tx.eventTime},${tx.channel ?? ''},${tx.terminalCountry ?? ''},` +
    `${tx.terminalX ?? ''},${tx.terminalY ?? ''},` +
    `${tx.deviceId ?? ''},${tx.ipAddress ?? ''}\n`,
  label: (l) => `${l.transactionId},${l.cardId},${l.terminalId},${l.scenario},${l.eventTime},${l.reportedAt}\n`,
  truth: (transactionId, scenario) => `${transactionId},${scenario === null ? 0 : 1},${scenario ?? ''}\n`,
};
