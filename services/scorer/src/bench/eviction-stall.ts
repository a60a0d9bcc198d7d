/**
 * The event-loop stall of the idle-card sweep at scale: fills a CardStore with N cards (default 1,000,000) whose
 * last transactions spread over 60 days, then, for five successive days, times one whole `evictIdle` pass (what
 * the scorer ran at each new event day before) against a pass in `evictIdleStep` steps of `step` cards (default
 * 256, what FeatureState runs per transaction), reporting the longest and the 99th-percentile step.
 * Run: node --import tsx services/scorer/src/bench/eviction-stall.ts [--cards 1000000] [--step 256]   (--help)
 */
import { flagsOrExit, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';
import { CARD_RECORD_BYTES, LAST_TIME_F64 } from '../core/features/card-layout.ts';
import { CardStore, PAGE_MASK } from '../core/features/card-store.ts';
import { DAY_MS } from '../core/features/feature-params.ts';

const COMMAND = {
  usage: 'node --import tsx services/scorer/src/bench/eviction-stall.ts [flags]',
  notes: 'Prints one JSON object: the whole passes and the steps, in milliseconds. Exit code 2 on a bad flag.',
  flags: {
    cards: { value: 'N', default: '1000000', meaning: 'cards in the store, their last transactions over 60 days' },
    step: {
      value: 'N',
      default: '256',
      meaning: 'cards per evictIdleStep step (what FeatureState runs per transaction)',
    },
  },
} as const satisfies CommandSpec<FlagTable>;

const { cards, step } = flagsOrExit('eviction-stall', () => {
  const flags = parseFlags(COMMAND, process.argv.slice(2));
  return { cards: flags.int('cards', 1, Number.MAX_SAFE_INTEGER), step: flags.int('step', 1, Number.MAX_SAFE_INTEGER) };
});
const START = Date.UTC(2025, 0, 1);

function filled(): CardStore {
  const store = new CardStore();
  for (let i = 0; i < cards; i++) {
    const t = START + (i % 60) * DAY_MS;
    const slot = store.acquire(`card-${(0x10000000 + i * 7919).toString(16)}00c0ffee`, t);
    store.pageOf(slot).f64[(slot & PAGE_MASK) * (CARD_RECORD_BYTES / 8) + LAST_TIME_F64] = t;
  }
  return store;
}

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const round = (x: number) => Math.round(x * 1000) / 1000;

const whole = filled();
const wholeMs: number[] = [];
for (let d = 0; d < 5; d++) {
  const t0 = process.hrtime.bigint();
  whole.evictIdle(START + (47 + d) * DAY_MS);
  wholeMs.push(ms(t0));
}

const stepped = filled();
const steps: number[] = [];
for (let d = 0; d < 5; d++) {
  const now = START + (47 + d) * DAY_MS;
  do {
    const t0 = process.hrtime.bigint();
    stepped.evictIdleStep(now, step);
    steps.push(ms(t0));
  } while (stepped.sweeping);
}
steps.sort((a, b) => a - b);
if (stepped.size !== whole.size) throw new Error(`stepped sweep kept ${stepped.size} cards, whole ${whole.size}`);
console.log(
  JSON.stringify({
    cards,
    wholePassMs: wholeMs.map(round),
    step,
    steps: steps.length,
    stepMaxMs: round(steps[steps.length - 1]!),
    stepP99Ms: round(steps[Math.floor(steps.length * 0.99)]!),
    stepMedianMs: round(steps[Math.floor(steps.length / 2)]!),
    cardsLeft: stepped.size,
  }),
);
