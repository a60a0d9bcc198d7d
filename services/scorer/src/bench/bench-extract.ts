/**
 * CPU cost of feature extraction per transaction: replays a synthetic, event-time-ordered stream (20,000 cards,
 * 2,000 terminals, 30 days, all channels, daily fraud labels) through one extractor after a warm-up run.
 * Run: node --import tsx services/scorer/src/bench/bench-extract.ts [--count 200000] [--cards 20000]   (--help)
 */
import { CHANNELS } from '../../../../schemas/src/types.ts';
import { flagsOrExit, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';
import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import { CardStore } from '../core/features/card-store.ts';
import { FeatureExtractor } from '../core/features/feature-extractor.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from '../core/features/feature-names.ts';
import { DAY_MS, LABEL_DELAY_DAYS, WINDOWS_DAYS } from '../core/features/feature-params.ts';
import { TerminalAggregate } from '../core/features/terminal-aggregate.ts';

const COMMAND = {
  usage: 'node --import tsx services/scorer/src/bench/bench-extract.ts [flags]',
  notes: 'Prints one JSON line: nanoseconds per transaction, wall and CPU, of three runs. Exit code 2 on a bad flag.',
  flags: {
    count: { value: 'N', default: '200000', meaning: 'transactions replayed per run (the warm-up run: at most 50000)' },
    cards: { value: 'N', default: '20000', meaning: 'cards they are spread over' },
  },
} as const satisfies CommandSpec<FlagTable>;

const { count, CARDS } = flagsOrExit('bench-extract', () => {
  const flags = parseFlags(COMMAND, process.argv.slice(2));
  return {
    count: flags.int('count', 1, Number.MAX_SAFE_INTEGER),
    CARDS: flags.int('cards', 1, Number.MAX_SAFE_INTEGER),
  };
});
const TERMINALS = 2_000;
const START = Date.UTC(2025, 0, 1);
const SPAN_MS = 30 * DAY_MS;
const spec = {
  version: 'bench',
  labelDelayDays: LABEL_DELAY_DAYS,
  windowsDays: WINDOWS_DAYS,
  features: FEATURE_NAMES.map((name) => ({ name, description: '' })),
};

/** Deterministic xorshift so runs compare. */
let seed = 0x9e3779b9;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}

function stream(n: number): { txs: Transaction[]; labels: Label[] } {
  const cardIds = Array.from({ length: CARDS }, (_, i) => `card-${(0x10000000 + i * 7919).toString(16)}00c0ffee`);
  const terminalIds = Array.from({ length: TERMINALS }, (_, i) => `term-${i.toString(16).padStart(8, '0')}`);
  const txs: Transaction[] = [];
  const labels: Label[] = [];
  for (let i = 0; i < n; i++) {
    const channel = CHANNELS[Math.floor(rand() * CHANNELS.length)]!;
    const terminal = Math.floor(rand() * TERMINALS);
    const eventTime = START + Math.floor((i / n) * SPAN_MS);
    const cnp = channel === 'ECOMMERCE';
    const tx: Transaction = {
      transactionId: `bench-${i}`,
      cardId: cardIds[Math.floor(rand() * CARDS)]!,
      customerId: 'cust',
      terminalId: terminalIds[terminal]!,
      merchantId: 'merch',
      mcc: [5411, 5812, 5732, 6051, 5999][terminal % 5]!,
      amountMinor: Math.floor(rand() * 20_000),
      currency: 'EUR',
      eventTime,
      channel,
      terminalCountry: rand() < 0.05 ? 'FR' : 'BE',
      terminalX: (terminal % 100) * 1.7,
      terminalY: Math.floor(terminal / 100) * 2.3,
      deviceId: cnp ? `dev-${Math.floor(rand() * 4).toString(16)}` : null,
      ipAddress: null,
    };
    txs.push(tx);
    if (rand() < 0.01) labels.push({ ...tx, scenario: 'bench', reportedAt: eventTime + 7 * DAY_MS });
  }
  return { txs, labels };
}

/** Wall and CPU (user + system) nanoseconds per transaction; CPU time is the steadier one on a shared machine. */
function run(txs: Transaction[], labels: Label[]): { wall: number; cpu: number } {
  const terminals = new TerminalAggregate();
  const cards = new CardStore();
  const extractor = new FeatureExtractor(spec, { cards, terminals });
  const row = new Float32Array(FEATURE_COUNT);
  let next = 0;
  let checksum = 0;
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (const tx of txs) {
    while (next < labels.length && labels[next]!.reportedAt <= tx.eventTime) {
      const label = labels[next++]!;
      terminals.addLabel(label);
      cards.markFraudReported(label.cardId, label.reportedAt);
    }
    extractor.extract(tx, row, 0);
    checksum += row[0]!;
  }
  const wall = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuStarted);
  if (!Number.isFinite(checksum)) throw new Error('unreachable: keeps the loop from being optimised away');
  return { wall: wall / txs.length, cpu: ((cpu.user + cpu.system) * 1000) / txs.length };
}

const warm = stream(Math.min(count, 50_000));
run(warm.txs, warm.labels);
const { txs, labels } = stream(count);
const runs = [run(txs, labels), run(txs, labels), run(txs, labels)];
console.log(
  JSON.stringify({
    transactions: count,
    cards: CARDS,
    labels: labels.length,
    wallNsPerTx: runs.map((r) => Math.round(r.wall)),
    cpuNsPerTx: runs.map((r) => Math.round(r.cpu)),
    bestCpuNsPerTx: Math.round(Math.min(...runs.map((r) => r.cpu))),
  }),
);
