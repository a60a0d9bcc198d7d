import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transaction } from '../../../../schemas/src/types.ts';
import { CARD_RECORD_BYTES } from '../../src/core/features/card-layout.ts';
import { FeatureState } from '../../src/core/features/feature-state.ts';
import type { OutRecord } from '../../src/core/scoring/records.ts';
import { CardStateChangelog } from '../../src/kafka/card-state-changelog.ts';
import { TerminalCountsSync } from '../../src/kafka/terminal-counts.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { DAY, DAY0, HOUR, SPEC, tx } from '../core/features/fixtures.ts';
import { fakePartitionClient } from './fake-partition-client.ts';

const log = createLogger('silent', 'test');
const PARTITIONS = 2;
const CHUNK = 7;

/** 40 days of traffic over 30 cards and 5 terminals, in event-time order; card i lives in partition i mod 2. */
function traffic(): { tx: Transaction; partition: number }[] {
  const out: { tx: Transaction; partition: number }[] = [];
  for (let i = 0; i < 2400; i++) {
    const card = (i * 7) % 30;
    out.push({
      partition: card % PARTITIONS,
      tx: tx({
        cardId: `card-${card}`,
        terminalId: `term-${(i * 3) % 5}`,
        amountMinor: 500 + ((i * 37) % 9000),
        eventTime: DAY0 + Math.floor((i * 40 * DAY) / 2400) + (i % 3) * HOUR,
        channel: i % 4 === 0 ? 'ECOMMERCE' : 'CARD_PRESENT',
        deviceId: i % 4 === 0 ? `dev-${card % 3}` : null,
        terminalX: (i * 13) % 100,
        terminalY: (i * 29) % 100,
      }),
    });
  }
  return out;
}

/** One scorer's state with its changelog, writing what it sends into `topics` as a broker would keep it. */
function instance(topics: Record<string, Stored>) {
  const features = new FeatureState(SPEC, { trackChanges: true });
  const counts = new TerminalCountsSync(features.terminals, 'counts', log, { partitions: PARTITIONS });
  const changelog = new CardStateChangelog(features, counts, fakePartitionClient(topics), 'cards', log);
  const keep = (records: readonly OutRecord[]) => {
    for (const r of records) {
      const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
      topics[r.topic]![r.partition!]!.push({ key, value: r.value === null ? null : Buffer.from(r.value) });
    }
  };
  const row = new Float32Array(features.width);
  const rows: number[][] = [];
  return {
    features,
    changelog,
    /** Decides `items` in chunks per partition, as the source does, and sends each chunk's state records. */
    run(items: readonly { tx: Transaction; partition: number }[]) {
      for (let start = 0; start < items.length; start += CHUNK) {
        const chunk = items.slice(start, start + CHUNK);
        for (const { tx: t, partition } of chunk) {
          features.extract(t, row, 0, partition);
          rows.push([...row]);
        }
        for (const p of new Set(chunk.map((c) => c.partition))) keep(changelog.recordsAfterChunk(p));
      }
      return rows.splice(0);
    },
  };
}

type Stored = { key: Buffer | null; value: Buffer | null }[][];
const emptyTopics = (): Record<string, Stored> => ({ cards: [[], []], counts: [[], []] });

test('restoring from the changelog, then scoring, gives the rows of never having stopped', async () => {
  const items = traffic();
  const half = items.length / 2;
  const topics = emptyTopics();
  const before = instance(topics);
  before.run(items.slice(0, half));
  assert.ok(topics['cards']![0]!.length > 0 && topics['counts']![1]!.length > 0, 'state was sent');
  assert.ok(topics['cards']![0]!.every((r) => r.value!.length === CARD_RECORD_BYTES));

  const restarted = instance(topics);
  await restarted.changelog.restore([0, 1]);
  assert.equal(restarted.changelog.stats.cards, topics['cards']!.flat().length);
  assert.equal(restarted.features.cards.size, 30);

  const cold = instance(emptyTopics());
  const rest = items.slice(half);
  const expected = before.run(rest);
  assert.deepEqual(restarted.run(rest), expected);
  assert.notDeepEqual(cold.run(rest), expected, 'a cold start decides differently (the test can fail)');
});

test('a dropped partition forgets its cards, keeps its fraud reports, and comes back whole from the changelog', async () => {
  const items = traffic();
  const topics = emptyTopics();
  const one = instance(topics);
  one.run(items.slice(0, 600));
  one.features.applyLabel({
    transactionId: 'x',
    cardId: 'card-2',
    terminalId: 'term-1',
    eventTime: DAY0 + DAY,
    reportedAt: DAY0 + 2 * DAY,
    scenario: 'test',
  });
  const held = one.features.cards.size;
  one.changelog.drop([0]);
  assert.equal(one.features.cards.size, held - 15 + 1, "partition 0's 15 cards gone but for the reported one");
  assert.equal(one.features.terminals.isOwned(0), false);
  await one.changelog.restore([0]);
  assert.equal(one.features.cards.size, held);
  const twin = instance(emptyTopics());
  twin.run(items.slice(0, 600));
  twin.features.applyLabel({
    transactionId: 'x',
    cardId: 'card-2',
    terminalId: 'term-1',
    eventTime: DAY0 + DAY,
    reportedAt: DAY0 + 2 * DAY,
    scenario: 'test',
  });
  assert.deepEqual(one.run(items.slice(600, 1200)), twin.run(items.slice(600, 1200)));
});
