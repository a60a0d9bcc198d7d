/**
 * Bytes of card state per card at scale: fills a CardStore with N cards (default 1,000,000) through the
 * feature extractor and compares heap + array-buffer usage before and after, garbage collected.
 * Run: node --expose-gc --import tsx services/scorer/src/bench/measure-memory.ts [--cards 1000000]   (--help)
 */
import type { Transaction } from '../../../../schemas/src/types.ts';
import { flagsOrExit, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';
import { CARD_RECORD_BYTES } from '../core/features/card-layout.ts';
import { CardStore } from '../core/features/card-store.ts';
import { FeatureExtractor } from '../core/features/feature-extractor.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from '../core/features/feature-names.ts';
import { LABEL_DELAY_DAYS, WINDOWS_DAYS } from '../core/features/feature-params.ts';
import { TerminalAggregate } from '../core/features/terminal-aggregate.ts';

const COMMAND = {
  usage: 'node --expose-gc --import tsx services/scorer/src/bench/measure-memory.ts [flags]',
  notes: 'Prints one JSON object: bytes per card and in all. Exit code 2 on a bad flag.',
  flags: {
    cards: { value: 'N', default: '1000000', meaning: 'cards filled into the store through the feature extractor' },
  },
} as const satisfies CommandSpec<FlagTable>;

const cards = flagsOrExit('measure-memory', () =>
  parseFlags(COMMAND, process.argv.slice(2)).int('cards', 1, Number.MAX_SAFE_INTEGER),
);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const TERMINALS = 1000;
const START = Date.UTC(2025, 0, 1);

function used(): number {
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// Terminals first, so that their (small) arrays are outside the measurement.
const terminals = new TerminalAggregate();
for (let t = 0; t < TERMINALS; t++) terminals.addTransactions(`term-${t}`, 0, 0);
const spec = {
  version: 'measure',
  labelDelayDays: LABEL_DELAY_DAYS,
  windowsDays: WINDOWS_DAYS,
  features: FEATURE_NAMES.map((name) => ({ name, description: '' })),
};
const row = new Float32Array(FEATURE_COUNT);
const tx: Transaction = {
  transactionId: 'tx',
  cardId: '',
  customerId: 'cust',
  terminalId: 'term-0',
  merchantId: 'merch',
  mcc: 5411,
  amountMinor: 1234,
  currency: 'EUR',
  eventTime: START,
  channel: 'ECOMMERCE',
  terminalCountry: 'BE',
  terminalX: 10,
  terminalY: 20,
  deviceId: 'dev-00000000',
  ipAddress: null,
};

const before = used();
const store = new CardStore();
const extractor = new FeatureExtractor(spec, { cards: store, terminals });
const started = process.hrtime.bigint();
for (let i = 0; i < cards; i++) {
  // Card tokens shaped like the simulator's: `card-` + 16 hex digits.
  tx.cardId = `card-${(0x10000000 + i).toString(16)}${(0x20000000 + i * 7).toString(16)}`;
  tx.terminalId = `term-${i % TERMINALS}`;
  tx.eventTime = START + i;
  extractor.extract(tx, row, 0);
}
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const after = used();

const total = after - before;
console.log(
  JSON.stringify(
    {
      cards: store.size,
      bytesPerCard: Math.round(total / cards),
      recordBytesPerCard: CARD_RECORD_BYTES,
      mapAndIdBytesPerCard: Math.round((total - store.recordBytes) / cards),
      totalMiB: Math.round(total / 2 ** 20),
      fillMs: Math.round(elapsedMs),
    },
    null,
    2,
  ),
);
