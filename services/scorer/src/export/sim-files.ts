import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CHANNELS } from '../../../../schemas/src/types.ts';
import type { Channel, Label, Transaction } from '../../../../schemas/src/types.ts';
import { ExportError } from '../errors.ts';

/** The simulator's file output: `transactions`, `labels` (in reporting order) and `truth` (same order as transactions). */
export interface SimFiles {
  readonly format: 'ndjson' | 'csv';
  readonly transactions: string;
  readonly labels: string;
  readonly truth: string;
}

export interface Truth {
  readonly transactionId: string;
  readonly isFraud: boolean;
  readonly scenario: string | null;
}

export async function locateSimFiles(dir: string): Promise<SimFiles> {
  for (const format of ['ndjson', 'csv'] as const) {
    const files = {
      format,
      transactions: join(dir, `transactions.${format}`),
      labels: join(dir, `labels.${format}`),
      truth: join(dir, `truth.${format}`),
    };
    if (await exists(files.transactions)) {
      for (const path of [files.labels, files.truth]) {
        if (!(await exists(path))) throw new ExportError('INPUT_MISSING', `${path} is missing`);
      }
      return files;
    }
  }
  throw new ExportError('INPUT_MISSING', `no transactions.ndjson or transactions.csv in ${dir}`);
}

/** Records of one file, parsed line by line as they stream in. */
export async function* readRecords<T>(
  path: string,
  format: 'ndjson' | 'csv',
  fromCsv: (fields: Record<string, string>) => T,
): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: string[] | undefined;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.length === 0) continue;
    try {
      if (format === 'ndjson') {
        yield JSON.parse(line) as T;
      } else if (header === undefined) {
        header = line.split(',');
      } else {
        const cells = line.split(',');
        const fields: Record<string, string> = {};
        header.forEach((name, i) => (fields[name] = cells[i] ?? ''));
        yield fromCsv(fields);
      }
    } catch (error) {
      throw new ExportError('INPUT_MALFORMED', `${path}:${lineNo}: ${(error as Error).message}`, { cause: error });
    }
  }
}

export function transactionFromCsv(f: Record<string, string>): Transaction {
  return {
    transactionId: f['transactionId'] ?? '',
    cardId: f['cardId'] ?? '',
    customerId: f['customerId'] ?? '',
    terminalId: f['terminalId'] ?? '',
    merchantId: f['merchantId'] ?? '',
    mcc: numberOrNull(f['mcc']),
    amountMinor: Number(f['amountMinor']),
    currency: f['currency'] ?? '',
    eventTime: Number(f['eventTime']),
    channel: f['channel'] ? channel(f['channel']) : null,
    terminalCountry: f['terminalCountry'] ? f['terminalCountry'] : null,
    terminalX: numberOrNull(f['terminalX']),
    terminalY: numberOrNull(f['terminalY']),
    deviceId: f['deviceId'] ? f['deviceId'] : null,
    ipAddress: f['ipAddress'] ? f['ipAddress'] : null,
  };
}

export function labelFromCsv(f: Record<string, string>): Label {
  return {
    transactionId: f['transactionId'] ?? '',
    cardId: f['cardId'] ?? '',
    terminalId: f['terminalId'] ?? '',
    scenario: f['scenario'] ?? '',
    eventTime: Number(f['eventTime']),
    reportedAt: Number(f['reportedAt']),
  };
}

export function truthFromCsv(f: Record<string, string>): Truth {
  return {
    transactionId: f['transactionId'] ?? '',
    isFraud: f['isFraud'] === '1' || f['isFraud'] === 'true',
    scenario: f['scenario'] ? f['scenario'] : null,
  };
}

/** The simulator writes an absent (null) context field as an empty cell. */
function numberOrNull(value: string | undefined): number | null {
  return value === undefined || value === '' ? null : Number(value);
}

function channel(value: string | undefined): Channel {
  if ((CHANNELS as readonly string[]).includes(value ?? '')) return value as Channel;
  throw new Error(`unknown channel ${String(value)}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
