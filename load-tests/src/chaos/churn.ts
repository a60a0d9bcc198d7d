import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { Rng } from '../../../services/producer-sim/src/core/random.ts';
import { createBenchSimulation, TransactionPool } from '../generator/transaction-pool.ts';
import { createLoadProducer, sendRecords } from '../kafka/load-producer.ts';
import { startTopicReader, type TopicReader } from '../kafka/topic-reader.ts';
import { startScorer, type ScorerTopics, type StartedScorer } from '../processes/services.ts';

export interface ChurnOptions {
  readonly brokers: readonly string[];
  readonly transactions: number;
  /** Transactions per second, sent on a fixed schedule whatever the scorers do. */
  readonly rate: number;
  /** Scorers at the start. */
  readonly scorers: number;
  /** Membership changes during the run (each start, SIGTERM and SIGKILL counts one). */
  readonly changes: number;
  readonly partitions: number;
  readonly seed: number;
  /** After the last send, how long to wait for every decision. */
  readonly settleMs: number;
  readonly log: (line: string) => void;
}

export type ChangeKind = 'join' | 'leave' | 'crash';

export interface ChurnReport {
  readonly transactions: number;
  readonly decided: number;
  readonly missing: number;
  /** Decisions beyond the first, and of those, how many differ from the first in action, score or reasons. */
  readonly duplicates: number;
  readonly duplicatesDiffering: number;
  readonly deadLetters: number;
  readonly changes: Record<ChangeKind, number>;
  /** Scorers that exited although nobody killed them, or exited non-zero after SIGTERM. */
  readonly unexpectedExits: readonly string[];
  /** Scorers still running at the end (none of them was meant to stop). */
  readonly running: number;
  readonly elapsedMs: number;
}

interface Member {
  readonly name: string;
  started: Promise<StartedScorer>;
  /** Why it is gone, when we made it go. */
  ended?: 'leave' | 'crash';
}

/**
 * The life of a consumer group, on a real broker: scorers in one group decide a paced stream while members
 * join, leave with SIGTERM and crash with SIGKILL. At the end every transaction must have a decision, no
 * scorer may have stopped by itself, and the duplicates at-least-once delivery made are counted.
 */
export async function runChurn(options: ChurnOptions): Promise<ChurnReport> {
  const { brokers, log } = options;
  const runId = `churn-${Date.now().toString(36)}`;
  const topics: ScorerTopics = {
    transactions: `${runId}.tx`,
    decisions: `${runId}.decisions`,
    deadLetters: `${runId}.dlq`,
    labels: `${runId}.labels`,
    terminalCounts: `${runId}.counts`,
  };
  const group = `${runId}.group`;
  await ensureTopics(brokers, [
    { name: topics.transactions, partitions: options.partitions },
    { name: topics.decisions, partitions: options.partitions },
    { name: topics.deadLetters, partitions: 1 },
    { name: topics.labels, partitions: 1 },
  ]);
  const logDir = mkdtempSync(join(tmpdir(), 'churn-'));
  log(`topics ${runId}.*, scorer logs in ${logDir}`);

  const codecs = createSchemaCodecs();
  const records = new TransactionPool(createBenchSimulation(options.seed, runId), codecs.transaction).take(
    options.transactions,
  );
  const producer = createLoadProducer(brokers, 'churn');
  const readers: TopicReader[] = [];
  const first = new Map<string, { action: string; score: number; reasons: string }>();
  let duplicates = 0;
  let duplicatesDiffering = 0;
  let deadLetters = 0;
  const members: Member[] = [];
  const changes: Record<ChangeKind, number> = { join: 0, leave: 0, crash: 0 };
  const began = Date.now();
  let serial = 0;

  const start = (): Member => {
    const member: Member = { name: `scorer-${++serial}`, started: startScorer(brokers, topics, group, logDir) };
    // A start that fails shows at the end, as a scorer that is not running.
    member.started.catch((error: unknown) => log(`${member.name} did not start: ${String(error)}`));
    members.push(member);
    return member;
  };
  const live = () => members.filter((m) => m.ended === undefined);

  try {
    const onError = (error: unknown) => log(`a collector failed: ${String(error)}`);
    readers.push(
      await startTopicReader({
        brokers,
        topic: topics.decisions,
        groupId: `${runId}.collector`,
        clientId: 'churn-collector',
        onMessage: (message) => {
          const d = codecs.decision.decode(message.value);
          const seen = first.get(d.transactionId);
          const verdict = { action: d.action, score: d.score, reasons: d.reasons.join(',') };
          if (seen === undefined) first.set(d.transactionId, verdict);
          else {
            duplicates++;
            if (seen.action !== verdict.action || seen.score !== verdict.score || seen.reasons !== verdict.reasons)
              duplicatesDiffering++;
          }
        },
        onError,
      }),
    );
    readers.push(
      await startTopicReader({
        brokers,
        topic: topics.deadLetters,
        groupId: `${runId}.dlq-collector`,
        clientId: 'churn-dlq-collector',
        onMessage: () => void deadLetters++,
        onError,
      }),
    );

    for (let i = 0; i < options.scorers; i++) start();
    await Promise.all(members.map((m) => m.started));
    log(`${options.scorers} scorers ready; sending ${options.transactions} transactions at ${options.rate}/s`);

    // The schedule of membership changes, spread evenly over the sending time.
    const sendMs = (options.transactions / options.rate) * 1000;
    const plan = planChanges(options.changes, options.scorers);
    const changeAt = plan.map((_, i) => ((i + 1) * sendMs) / (plan.length + 1));
    let nextChange = 0;
    const rng = new Rng(options.seed);

    const tickMs = 50;
    const perTick = Math.max(1, Math.round((options.rate * tickMs) / 1000));
    const sendStart = Date.now();
    for (let sent = 0; sent < records.length;) {
      const due = Math.min(records.length, Math.floor(((Date.now() - sendStart) * options.rate) / 1000) + perTick);
      if (due > sent) {
        const batch = records.slice(sent, due);
        sent = due;
        await sendRecords(producer, topics.transactions, batch);
      }
      while (nextChange < plan.length && Date.now() - sendStart >= changeAt[nextChange]!) {
        const kind = plan[nextChange++]!;
        const candidates = live();
        if (kind === 'join') {
          log(`join: ${start().name}`);
        } else if (candidates.length > 0) {
          const victim = candidates[rng.int(candidates.length)]!;
          victim.ended = kind;
          const scorer = await victim.started.catch(() => undefined);
          log(`${kind}: ${victim.name}`);
          if (kind === 'crash') scorer?.service.kill();
          else void scorer?.service.stop();
        }
        changes[kind]++;
      }
      await sleep(tickMs);
    }
    log(`sent ${records.length} in ${((Date.now() - sendStart) / 1000).toFixed(1)} s; waiting for decisions`);
    const settleUntil = Date.now() + options.settleMs;
    while (first.size < records.length && Date.now() < settleUntil) await sleep(250);
    await sleep(1000); // late duplicates

    const unexpectedExits: string[] = [];
    let running = 0;
    for (const m of members) {
      const scorer = await m.started.catch(() => undefined);
      if (scorer === undefined) {
        if (m.ended === undefined) unexpectedExits.push(`${m.name}: did not start`);
        continue;
      }
      if (m.ended === 'crash') continue;
      if (m.ended === 'leave') {
        const code = await scorer.service.exited;
        if (code !== 0) unexpectedExits.push(`${m.name}: exited ${code} after SIGTERM\n${scorer.service.tail()}`);
      } else if (scorer.service.running) running++;
      else unexpectedExits.push(`${m.name}: exited by itself\n${scorer.service.tail()}`);
    }
    const decided = records.filter((r) => first.has(r.transactionId)).length;
    return {
      transactions: records.length,
      decided,
      missing: records.length - decided,
      duplicates,
      duplicatesDiffering,
      deadLetters,
      changes,
      unexpectedExits,
      running,
      elapsedMs: Date.now() - began,
    };
  } finally {
    await Promise.allSettled(
      members.map(async (m) => {
        const scorer = await m.started.catch(() => undefined);
        await scorer?.service.stop();
      }),
    );
    await Promise.allSettled([producer.close(), ...readers.map((r) => r.close())]);
  }
}

/**
 * `count` changes mixing the three kinds, keeping between two members and `initial + 1`: a crash or a leave is
 * followed by a join (a pod restarted, a deploy's replacement), with an occasional extra member joining first.
 */
export function planChanges(count: number, initial: number): ChangeKind[] {
  const plan: ChangeKind[] = [];
  let size = initial;
  const cycle: ChangeKind[] = ['crash', 'join', 'leave', 'join', 'join', 'crash', 'leave', 'join'];
  for (let i = 0; plan.length < count; i++) {
    let kind = cycle[i % cycle.length]!;
    if (kind !== 'join' && size <= 2) kind = 'join';
    if (kind === 'join' && size > initial) kind = 'leave';
    size += kind === 'join' ? 1 : -1;
    plan.push(kind);
  }
  return plan;
}

export function formatChurnReport(r: ChurnReport): string {
  return [
    `transactions      ${r.transactions}`,
    `decided           ${r.decided} (missing ${r.missing})`,
    `duplicates        ${r.duplicates} (${r.duplicatesDiffering} with a different action, score or reasons)`,
    `dead letters      ${r.deadLetters}`,
    `membership        ${r.changes.join} joins, ${r.changes.leave} SIGTERM leaves, ${r.changes.crash} SIGKILL crashes`,
    `scorers running   ${r.running} at the end; unexpected exits: ${r.unexpectedExits.length}`,
    ...r.unexpectedExits.map((e) => `  ${e}`),
    `elapsed           ${(r.elapsedMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
