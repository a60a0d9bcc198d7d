import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Decision, Label, Transaction } from '../../../schemas/src/types.ts';
import { SCENARIO_IDS } from '../../producer-sim/src/core/scenario-ids.ts';
import { Simulation } from '../../producer-sim/src/core/simulation.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { createScorerTopics, scorerTopicEnv } from './scorer-topics.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ScorerService } from '../src/service.ts';

const codecs = createSchemaCodecs();
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2018, 3, 1);
/** Terminal windows read days D-37..D-8 only: days 0-7 never see another day's counts, days 8-9 see days 0-1. */
const FIRST_WINDOWED_DAY = 8;
const PARTITIONS = 4;

interface Input {
  readonly early: Transaction[];
  readonly late: Transaction[];
  readonly labels: Label[];
}

/** About 2,900 transactions of 150 cards over 10 simulated days, every label reported within them. */
function simulate(): Input {
  const sim = new Simulation({
    seed: 3,
    customers: 150,
    terminals: 300,
    planeKm: 100 * Math.sqrt(300 / 10_000),
    radiusKm: 5,
    startMs: START_MS,
    days: 10,
    scenarios: new Set(SCENARIO_IDS),
    labelDelayMs: 7 * DAY_MS,
    runId: uniqueTopic('so'),
  });
  const input: Input = { early: [], late: [], labels: [] };
  for (let e = sim.next(); e; e = sim.next()) {
    if (e.kind === 'label') input.labels.push(e.label);
    else if (e.tx.eventTime < START_MS + FIRST_WINDOWED_DAY * DAY_MS) input.early.push(e.tx);
    else input.late.push(e.tx);
  }
  return input;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function topicEnd(admin: Admin, topic: string): Promise<string> {
  return (await admin.fetchTopicOffsets(topic)).map((p) => p.high).join(',');
}

interface Run {
  /** Decisions in the order they were read; one card's decisions all sit in one partition. */
  readonly decisions: Decision[];
  readonly decidedPerInstance: number[];
}

/**
 * Decides `input` with `instances` scorers in one group, on fresh topics. Every label is on its topic and read
 * by every instance before the first transaction (labels count from their reportedAt, so early is harmless).
 * Days 0-7 go first; before days 8-9, which read days 0-1 in their terminal windows, every instance must hold
 * every other's terminal counts: the test waits for the shared counts topic to settle and be read by all.
 */
async function decide(t: TestContext, instances: number, input: Input): Promise<Run> {
  const topics = scorerTopicEnv('scale-out');
  const base = topics.SCORER_GROUP_ID;
  const brokers = testBrokers();
  await createScorerTopics(topics, PARTITIONS);
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const send = (topic: string, records: { key: string; value: Buffer }[]) =>
    producer.send({ topic, acks: -1, messages: records });

  await send(
    topics.TOPIC_LABELS,
    input.labels.map((l) => ({ key: l.cardId, value: codecs.label.encode(l) })),
  );
  const ids = Array.from({ length: instances }, (_, i) => `${base}-${i}`);
  const scorers = await Promise.all(
    ids.map((id) =>
      ScorerService.start(
        loadConfig(
          {
            ...topics,
            SCORER_INSTANCE_ID: id,
            MODEL_PATH: process.env['MODEL_PATH'] ?? '',
            KAFKA_BROKERS: brokers.join(','),
            TOPIC_REPLICATION_FACTOR: '1',
            HTTP_PORT: '0',
            // Nothing may be decided by rules alone because the machine is slow: that would differ by run.
            DEADLINE_MS: '600000',
            METRICS_INTERVAL_MS: '200',
          },
          [],
        ),
        createLogger('warn', id),
      ),
    ),
  );
  for (const s of scorers) t.after(() => s.stop('test over'));

  const decisions: Decision[] = [];
  const collector = kafka.consumer({ groupId: `${base}.collector` });
  await collector.connect();
  t.after(() => collector.disconnect());
  await collector.subscribe({ topic: topics.TOPIC_DECISIONS, fromBeginning: true });
  await collector.run({
    eachMessage: ({ message }) => {
      decisions.push(codecs.decision.decode(message.value!));
      return Promise.resolve();
    },
  });

  // Card state stays with the member that decided the card, so the group must be settled before any record.
  await until(`${instances} members in a stable group`, async () => {
    const [group] = (await admin.describeGroups([topics.SCORER_GROUP_ID])).groups;
    return group?.state === 'Stable' && group.members.length === instances;
  });
  // Every label was on its topic before the scorers started, and a scorer scores nothing before it read them.

  const encode = (txs: Transaction[]) => txs.map((tx) => ({ key: tx.cardId, value: codecs.transaction.encode(tx) }));
  await send(topics.TOPIC_TRANSACTIONS, encode(input.early));
  await until('days 0-7 decided', () => Promise.resolve(decisions.length >= input.early.length));
  // Counts are published once a second: wait until two publishes added nothing, then until everyone read them.
  let end = await topicEnd(admin, topics.TOPIC_TERMINAL_COUNTS);
  let stableSince = Date.now();
  await until('terminal counts published', async () => {
    const now = await topicEnd(admin, topics.TOPIC_TERMINAL_COUNTS);
    if (now !== end) [end, stableSince] = [now, Date.now()];
    return Date.now() - stableSince > 2500;
  });
  await Promise.all(scorers.map((s) => s.readToEnd()));

  await send(topics.TOPIC_TRANSACTIONS, encode(input.late));
  const total = input.early.length + input.late.length;
  await until('every transaction decided', () => Promise.resolve(decisions.length >= total));
  const decidedPerInstance = await Promise.all(
    scorers.map(async (s) => {
      const body = (await (await fetch(`${s.url}/api/latency?encoded=false&distribution=false`)).json()) as {
        totals: { decisionsOut: number };
      };
      return body.totals.decisionsOut;
    }),
  );
  await Promise.all(scorers.map((s) => s.stop('run over')));
  return { decisions, decidedPerInstance };
}

/** What must not depend on how many instances decided: the verdict of each transaction. */
function verdicts(decisions: Decision[]): string[] {
  return decisions.map((d) => `${d.transactionId} ${d.action} ${d.score} ${d.reasons.join('+')}`).sort();
}

function byCard<T, V>(items: T[], card: (item: T) => string, value: (item: T) => V): Map<string, V[]> {
  const cards = new Map<string, V[]>();
  for (const item of items) {
    const list = cards.get(card(item)) ?? [];
    list.push(value(item));
    cards.set(card(item), list);
  }
  return cards;
}

test('two scorer instances in one group decide the same transactions exactly as one instance does', async (t) => {
  const input = simulate();
  const all = [...input.early, ...input.late];
  // Days 8-9 do read terminal history (days 0-1); with two instances about half of it comes through the shared counts.
  const earlyTerminals = new Set(
    input.early.filter((tx) => tx.eventTime < START_MS + 2 * DAY_MS).map((tx) => tx.terminalId),
  );
  assert.ok(input.late.filter((tx) => earlyTerminals.has(tx.terminalId)).length > input.late.length / 2);
  assert.ok(input.labels.some((l) => l.reportedAt < START_MS + 10 * DAY_MS));

  const one = await decide(t, 1, input);
  const two = await decide(t, 2, input);

  const expectedOrder = byCard(
    all,
    (tx) => tx.cardId,
    (tx) => tx.transactionId,
  );
  for (const run of [one, two]) {
    assert.equal(run.decisions.length, all.length, 'no transaction decided twice');
    assert.deepEqual(new Set(run.decisions.map((d) => d.transactionId)), new Set(all.map((tx) => tx.transactionId)));
    assert.ok(run.decisions.every((d) => !d.degraded));
    // A card's decisions come out in the order of its transactions, which is event-time order.
    assert.deepEqual(
      byCard(
        run.decisions,
        (d) => d.cardId,
        (d) => d.transactionId,
      ),
      expectedOrder,
    );
    for (const [card, times] of byCard(
      run.decisions,
      (d) => d.cardId,
      (d) => d.eventTime,
    )) {
      assert.ok(
        times.every((time, i) => i === 0 || times[i - 1]! <= time),
        `${card}: decisions in event-time order`,
      );
    }
    assert.equal(
      run.decidedPerInstance.reduce((a, b) => a + b),
      all.length,
    );
  }
  assert.ok(
    two.decidedPerInstance.every((n) => n > 0),
    `both instances decide: ${two.decidedPerInstance.join(', ')}`,
  );
  assert.ok(new Set(one.decisions.map((d) => d.action)).size > 1, 'not every decision is the same');
  assert.deepEqual(verdicts(two.decisions), verdicts(one.decisions));
});
