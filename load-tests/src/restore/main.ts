// `npm run bench:restore -- [flags]`: how long a scorer takes to restore its card state from the changelog.
import { Consumer, Producer, type MessageToProduce } from '@platformatic/kafka';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { flagsOrExit, parseFlags } from '../../../services/cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../services/cli/src/flags.ts';
import { Tokens } from '../../../services/producer-sim/src/core/tokens.ts';
import { CARD_RECORD_BYTES } from '../../../services/scorer/src/core/features/card-layout.ts';
import { CardStore } from '../../../services/scorer/src/core/features/card-store.ts';
import { DAY_MS } from '../../../services/scorer/src/core/features/feature-params.ts';
import { FeatureState } from '../../../services/scorer/src/core/features/feature-state.ts';
import { readFeatureSpec } from '../../../services/scorer/src/export/read-feature-spec.ts';
import { CardStateChangelog } from '../../../services/scorer/src/kafka/card-state-changelog.ts';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';
import { TerminalCountsSync } from '../../../services/scorer/src/kafka/terminal-counts.ts';
import { createLogger } from '../../../services/scorer/src/observability/logger.ts';
import type { Transaction } from '../../../schemas/src/types.ts';
import { deleteBenchResources, useBrokers } from '../run/bench-setup.ts';
import { CleanupStack } from '../run/cleanup-stack.ts';

const COMMAND = {
  usage: 'npm run bench:restore -- [flags]',
  notes:
    'Uses KAFKA_BROKERS when set; otherwise the embedded broker (KAFKA_PORT), started and stopped if not running.\n' +
    'Exit code 2 on a bad flag (BAD_FLAG).',
  flags: {
    cards: { value: 'N,N,...', default: '100000,1000000', meaning: 'card counts restored, one changelog each' },
    partitions: {
      value: 'N',
      default: '6',
      meaning: 'partitions of the changelog, all restored at once as one scorer takes them',
    },
    passes: { value: 'N', default: '3', meaning: 'restores of each changelog, each into an empty store' },
    seed: { value: 'N', default: '7', meaning: 'picks the card ids and their transactions' },
  },
} as const satisfies CommandSpec<FlagTable>;

const MAX = Number.MAX_SAFE_INTEGER;
const { sizes, partitions, passes, seed } = flagsOrExit('bench:restore', () => {
  const flags = parseFlags(COMMAND, process.argv.slice(2));
  const sizes = flags.list('cards').map(Number);
  if (!sizes.every((n) => Number.isSafeInteger(n) && n > 0))
    flags.fail('cards', 'positive whole numbers, comma-separated');
  return {
    sizes,
    partitions: flags.int('partitions', 1, MAX),
    passes: flags.int('passes', 1, MAX),
    seed: flags.int('seed', 1, MAX),
  };
});

const START = Date.UTC(2025, 0, 6);
const TX_PER_CARD = 3;
const log = (line: string) => console.log(`restore: ${line}`);
const silent = createLogger('silent', 'bench-restore');
const spec = await readFeatureSpec(new URL('../../../model/feature-spec.json', import.meta.url).pathname);

/**
 * The card states of `cards` cards as the scorer holds them after a few days of traffic: each card's
 * transactions go through the scorer's own feature state (so every field the changelog carries is filled as in
 * production), then each card is exported as its changelog record.
 */
function cardStates(cards: number): { ids: string[]; states: Buffer } {
  const tokens = new Tokens(seed);
  const state = new FeatureState(spec);
  const row = new Float32Array(state.width);
  const ids = new Array<string>(cards);
  for (let i = 0; i < cards; i++) ids[i] = tokens.cardId(i);
  for (let k = 0; k < TX_PER_CARD; k++) {
    for (let i = 0; i < cards; i++) {
      const t: Transaction = {
        transactionId: `tx-${k}-${i}`,
        cardId: ids[i]!,
        customerId: `cust-${i}`,
        terminalId: `term-${(i * 31 + k * 7) % 20_000}`,
        merchantId: `merch-${(i * 31 + k * 7) % 5_000}`,
        mcc: [5411, 5812, 5999, 4829][(i + k) % 4]!,
        amountMinor: 500 + ((i * 37 + k * 911) % 20_000),
        currency: 'EUR',
        eventTime: START + k * DAY_MS + ((i * 7919) % DAY_MS),
        channel: (i + k) % 3 === 0 ? 'ECOMMERCE' : 'CARD_PRESENT',
        terminalCountry: 'BE',
        terminalX: (i * 13 + k) % 100,
        terminalY: (i * 29 + k) % 100,
        deviceId: (i + k) % 3 === 0 ? `dev-${i % 1000}` : null,
        ipAddress: null,
      };
      state.extract(t, row, 0, i % partitions);
    }
  }
  // One buffer for all records, not a million small ones: what the heap holds here must not slow every
  // collection during the restores (it would be charged to them).
  const states = Buffer.alloc(cards * CARD_RECORD_BYTES);
  for (let i = 0; i < cards; i++) states.set(state.cards.exportCard(ids[i]!)!, i * CARD_RECORD_BYTES);
  return { ids, states };
}

const recordOf = (states: Buffer, i: number) => states.subarray(i * CARD_RECORD_BYTES, (i + 1) * CARD_RECORD_BYTES);

interface Pass {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function timed<T>(body: () => T): Promise<{ result: Awaited<T>; pass: Pass }> {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  return Promise.resolve(body()).then((result) => {
    const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    return { result, pass: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 } };
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cleanup = new CleanupStack(log);
const rows: string[] = [];
try {
  const brokers = await useBrokers(undefined, process.env, cleanup, log);
  const runId = `rb-${Date.now().toString(36)}`;
  cleanup.defer('topics', () => deleteBenchResources(brokers, runId));
  for (const cards of sizes) {
    const topic = `${runId}-cards-${cards}`;
    const countsTopic = `${runId}-counts-${cards}`;
    await ensureTopics(brokers, [
      { name: topic, partitions, compacted: true },
      { name: countsTopic, partitions, compacted: true },
    ]);
    log(`${cards} cards: building their states (${TX_PER_CARD} transactions each)`);
    let { ids, states } = cardStates(cards);
    const bytes = states.length + cards * ids[0]!.length;

    const producer = new Producer({ ...baseClientOptions(brokers, `${runId}-producer`), autocreateTopics: false });
    const inFlight = new Set<Promise<unknown>>();
    for (let start = 0; start < cards; start += 2000) {
      const messages: MessageToProduce[] = [];
      for (let i = start; i < Math.min(cards, start + 2000); i++)
        messages.push({ topic, key: Buffer.from(ids[i]!), value: recordOf(states, i), partition: i % partitions });
      const sent: Promise<unknown> = producer.send({ messages }).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await producer.close();
    log(`${cards} cards: changelog written (${(bytes / 2 ** 20).toFixed(0)} MiB of keys and values)`);

    // The floor: the same records imported from memory, with nothing read from Kafka.
    const floor: Pass[] = [];
    for (let p = 0; p < passes; p++) {
      const store = new CardStore();
      const { pass } = await timed(() => {
        for (let i = 0; i < cards; i++) store.importCard(ids[i]!, recordOf(states, i), i % partitions);
      });
      floor.push(pass);
    }
    // Only a sample is kept to check the restores by: the rest would be heap the restores' collections walk.
    const sample = new Map<string, Buffer>();
    for (let i = 0; i < cards; i += Math.ceil(cards / 1000)) sample.set(ids[i]!, Buffer.from(recordOf(states, i)));
    ids = [];
    states = Buffer.alloc(0);

    const client = new Consumer({ ...baseClientOptions(brokers, `${runId}-restore`), groupId: `${runId}-restore` });
    const restores: Pass[] = [];
    try {
      for (let p = 0; p < passes; p++) {
        const features = new FeatureState(spec, { trackChanges: true });
        const counts = new TerminalCountsSync(features.terminals, countsTopic, silent, { partitions });
        const changelog = new CardStateChangelog(features, counts, client, topic, silent);
        const all = Array.from({ length: partitions }, (_, i) => i);
        const { pass } = await timed(() => changelog.restore(all));
        if (changelog.stats.cards !== cards || features.cards.size !== cards)
          throw new Error(`restored ${changelog.stats.cards} card records, ${features.cards.size} cards, of ${cards}`);
        for (const [id, written] of sample) {
          if (!written.equals(Buffer.from(features.cards.exportCard(id) ?? [])))
            throw new Error('a card was restored with other bytes than it was written with');
        }
        restores.push(pass);
        log(`${cards} cards: restore ${p + 1}: ${pass.wallMs.toFixed(0)} ms, CPU ${pass.cpuMs.toFixed(0)} ms`);
      }
    } finally {
      await client.close();
    }
    const wall = median(restores.map((r) => r.wallMs));
    const cpu = median(restores.map((r) => r.cpuMs));
    const floorWall = median(floor.map((r) => r.wallMs));
    const floorCpu = median(floor.map((r) => r.cpuMs));
    rows.push(
      `| ${cards.toLocaleString('en')} | ${(bytes / 2 ** 20).toFixed(0)} MiB | ${(wall / 1000).toFixed(2)} s ` +
        `(${restores.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')}) | ${(cpu / 1000).toFixed(2)} s | ` +
        `${Math.round(cards / (wall / 1000)).toLocaleString('en')}/s | ${((cpu * 1e3) / cards).toFixed(2)} µs | ` +
        `${(floorWall / 1000).toFixed(2)} s, ${((floorCpu * 1e3) / cards).toFixed(2)} µs | ${(wall / floorWall).toFixed(1)}× |`,
    );
  }
  console.log(
    `\n${partitions} partitions restored at once, ${passes} passes each, median (all passes in brackets); ` +
      `the scorer's own process CPU (the broker's is not counted)\n\n` +
      '| cards | changelog | restore wall | restore CPU | cards/s | CPU per card | import alone (wall, CPU/card) | restore ÷ import |\n' +
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
      rows.join('\n'),
  );
} finally {
  await cleanup.closeAll();
}
