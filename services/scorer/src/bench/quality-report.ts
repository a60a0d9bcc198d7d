/**
 * How long working out the live-quality figures takes (the event-loop stall every QUALITY_INTERVAL_MS): fills a
 * LiveQuality with N decisions over 14 days of event time on 5,000 cards, a third with a challenger score and 3%
 * reported as fraud, then times `report()`.
 * Run: node --import tsx services/scorer/src/bench/quality-report.ts [--decisions 100000] [--reports 5]   (--help)
 */
import { flagsOrExit, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';
import { LiveQuality } from '../core/quality/live-quality.ts';
import { collectGarbage, measure } from './cpu-cost.ts';

const COMMAND = {
  usage: 'node --import tsx services/scorer/src/bench/quality-report.ts [flags]',
  notes:
    'Prints one JSON object: ms of CPU and wall time per report (the best and the median). Exit code 2 on a bad flag.',
  flags: {
    decisions: { value: 'N', default: '100000', meaning: 'decisions held (QUALITY_MAX_DECISIONS)' },
    reports: { value: 'N', default: '5', meaning: 'reports timed, one after the other' },
  },
} as const satisfies CommandSpec<FlagTable>;

const { decisions, reports } = flagsOrExit('quality-report', () => {
  const flags = parseFlags(COMMAND, process.argv.slice(2));
  return { decisions: flags.int('decisions', 1, 10_000_000), reports: flags.int('reports', 1, 1000) };
});
const DAY_MS = 86_400_000;
const quality = new LiveQuality({
  windowMs: 14 * DAY_MS,
  labelDelayMs: 7 * DAY_MS,
  maxDecisions: decisions,
  thresholdsOf: () => ({ review: 0.3, decline: 0.6 }),
});
// A fixed sequence (no Math.random): the same figures each run.
let seed = 42;
const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
for (let i = 0; i < decisions; i++) {
  const score = Math.round(next() * 10_000) / 10_000;
  quality.record({
    transactionId: `tx-${i}`,
    cardId: `card-${i % 5000}`,
    eventTime: Date.UTC(2018, 3, 1) + Math.floor((i / decisions) * 14 * DAY_MS),
    modelVersion: 'champion',
    score,
    action: score >= 0.6 ? 'DECLINE' : score >= 0.3 ? 'REVIEW' : 'APPROVE',
    degraded: false,
    challenger: i % 3 === 0 ? { modelVersion: 'challenger', score: next() } : null,
  });
  if (next() < 0.03) quality.label(`tx-${i}`);
}
const gc = collectGarbage();
const cpu: number[] = [];
const wall: number[] = [];
for (let r = 0; r < reports; r++) {
  const cost = await measure(1, gc, () => quality.report());
  cpu.push(cost.cpuNs / 1e6);
  wall.push(cost.wallNs / 1e6);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    decisions,
    reports,
    cpuMs: { best: ms(Math.min(...cpu)), median: ms(median(cpu)) },
    wallMs: { best: ms(Math.min(...wall)), median: ms(median(wall)) },
  }),
);
