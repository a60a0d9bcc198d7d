import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import { createIdempotentProducer, sendRecords } from '../kafka/load-producer.ts';
import { GroupProgress } from '../kafka/group-progress.ts';
import { readTopicWhole } from '../kafka/read-topic-whole.ts';
import { startScorer, type ScorerTopics, type StartedScorer } from '../processes/services.ts';
import { CleanupStack } from '../run/cleanup-stack.ts';
import { buildChaosInput } from './chaos-input.ts';
import { compareRuns, DecisionSet, verdictOf } from './decision-comparison.ts';
import type { Delivery, ExactlyOnceReport } from './exactly-once-report.ts';
import { planFaults } from './fault-plan.ts';
import { runFaults } from './fault-runner.ts';
import type { BrokerControl } from './own-broker.ts';
import { sendPaced } from './paced-stream.ts';
import { ScorerSlot } from './scorer-slot.ts';
import { StartGate } from './start-gate.ts';

export interface ExactlyOnceOptions {
  readonly brokers: readonly string[];
  /** The broker the run may SIGKILL; needed when `brokerRestarts` > 0. */
  readonly broker?: BrokerControl | undefined;
  readonly delivery: Delivery;
  readonly transactions: number;
  /** Transactions per second, on a fixed schedule whatever the faults do. */
  readonly rate: number;
  readonly scorers: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly rolling: boolean;
  /** SIGSTOPs of a live instance past its session and transaction timeouts, each then continued (default 0). */
  readonly freezes?: number;
  readonly partitions: number;
  readonly seed: number;
  /** Simulated days from a fraud to its report (default 7, the simulator's). */
  readonly labelDelayDays?: number;
  /** How long the broker stays down (default 10 s). */
  readonly brokerDownMs?: number;
  /** After the stream and the faults, how long each group may take to commit its whole input. */
  readonly settleMs: number;
  /** Prefix of every topic and group of the run (default `eo-<time>`). */
  readonly runId?: string;
  /** Aborting SIGKILLs every scorer of the run at once (a Ctrl-C); the run then fails. */
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

/**
 * Both runs' deadline: the largest the scorer takes (10 min). A killed instance's records wait for its successor
 * and a broker outage holds every record, so with the default 100 ms they would be decided by rules alone
 * (degraded) and the comparison would be rules against model; past a deadline this long they never are.
 */
export const CHAOS_DEADLINE_MS = 600_000;
/** Bounds of the wait between a SIGKILL and the restart of its instance. */
export const RESTART_DELAY_MS = { min: 500, max: 3_000 } as const;

interface RunTopics extends ScorerTopics {
  readonly cardState: string;
}

function runTopics(prefix: string, shared: { transactions: string; labels: string }): RunTopics {
  return {
    ...shared,
    decisions: `${prefix}-decisions`,
    deadLetters: `${prefix}-dlq`,
    terminalCounts: `${prefix}-terminal-counts`,
    cardState: `${prefix}-card-state`,
  };
}

/**
 * The exactly-once scenario. One input (labels first, then transactions paced at `rate`) is decided by
 * `scorers` instances in one group while they are SIGKILLed at random and restarted under their own instance
 * ids, the broker is SIGKILLed and restarted, and every instance is restarted in turn. Then one fresh instance,
 * never interrupted, decides the same input in a group of its own. A read_committed reader reads both runs'
 * decisions whole, and each transaction's decision is compared with the reference's.
 */
export async function runExactlyOnce(options: ExactlyOnceOptions): Promise<ExactlyOnceReport> {
  const { brokers, log, delivery } = options;
  const began = Date.now();
  const runId = options.runId ?? `eo-${Date.now().toString(36)}`;
  const shared = { transactions: `${runId}-transactions`, labels: `${runId}-labels` };
  const run = runTopics(runId, shared);
  const ref = runTopics(`${runId}-reference`, shared);
  const group = `${runId}-scorers`;
  const refGroup = `${runId}-reference`;
  const p = options.partitions;
  await ensureTopics(brokers, [
    { name: shared.transactions, partitions: p },
    { name: shared.labels, partitions: 1 },
    ...[run, ref].flatMap((t) => [
      { name: t.decisions, partitions: p },
      { name: t.deadLetters, partitions: p },
      { name: t.terminalCounts, partitions: p, compacted: true },
      { name: t.cardState, partitions: p, compacted: true },
    ]),
  ]);
  const logDir = mkdtempSync(join(tmpdir(), 'chaos-eo-'));
  log(`topics ${runId}-*, scorer logs in ${logDir}`);

  const codecs = createSchemaCodecs();
  const input = buildChaosInput(
    { seed: options.seed, runId, transactions: options.transactions, labelDelayDays: options.labelDelayDays ?? 7 },
    codecs,
  );
  const days = (input.lastEventMs - input.firstEventMs) / 86_400_000;
  log(
    `${input.transactions.length} transactions over ${days.toFixed(1)} simulated days, ${input.labels.length} labels`,
  );

  const cleanup = new CleanupStack(log);
  const unexpectedExits: string[] = [];
  try {
    // Retries outlast the broker's outage: a send held during it goes through once the broker is back.
    const producer = createIdempotentProducer(brokers, `${runId}-sender`, 180_000);
    cleanup.defer('producer', () => producer.close());
    for (let i = 0; i < input.labels.length; i += 1000) {
      await sendRecords(producer, shared.labels, input.labels.slice(i, i + 1000));
    }

    const gate = new StartGate();
    const scorerOptions = (t: RunTopics, name: string, instanceId: string) => ({
      name: `scorer-${name}`,
      instanceId,
      delivery,
      cardStateTopic: t.cardState,
      deadlineMs: CHAOS_DEADLINE_MS,
      // Joins, restores, aborts and fencing are logged at info: what explains a verdict that differs.
      logLevel: 'info' as const,
    });
    const slots = Array.from(
      { length: options.scorers },
      (_, i) =>
        new ScorerSlot(
          `s${i + 1}`,
          `${runId}-s${i + 1}`,
          (name, instanceId) => startScorer(brokers, run, group, logDir, scorerOptions(run, name, instanceId)),
          gate,
          {
            log,
            unexpected: (what) => {
              unexpectedExits.push(what);
              log(`unexpected: ${what}`);
            },
          },
        ),
    );
    cleanup.defer('scorers', () => Promise.allSettled(slots.map((s) => s.stop())));
    const unslotted: StartedScorer[] = [];
    const abort = () => {
      for (const slot of slots) slot.abort();
      for (const scorer of unslotted) scorer.service.kill();
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    cleanup.defer('abort listener', () => options.signal?.removeEventListener('abort', abort));
    await Promise.all(slots.map((s) => s.start()));

    const streamMs = (options.transactions / options.rate) * 1000;
    const planned = {
      kills: options.kills,
      brokerRestarts: options.brokerRestarts,
      rollingRestarts: options.rolling ? 1 : 0,
      freezes: options.freezes ?? 0,
    };
    const plan = planFaults({
      seed: options.seed,
      streamMs,
      ...planned,
      brokerDownMs: options.brokerDownMs ?? 10_000,
      restartDelayMs: RESTART_DELAY_MS,
    });
    log(
      `${options.scorers} scorers ready (${delivery}); sending at ${options.rate}/s for ${(streamMs / 1000).toFixed(0)} s ` +
        `with ${plan.length} faults`,
    );
    const startedAt = Date.now();
    const [stream, faults] = await Promise.all([
      sendPaced(producer, shared.transactions, input.transactions, {
        rate: options.rate,
        progress: (sent, behindMs) =>
          log(`sent ${sent}${behindMs > 1000 ? ` (${(behindMs / 1000).toFixed(1)} s behind schedule)` : ''}`),
      }),
      runFaults(plan, { slots, gate, broker: options.broker, startedAt, log }),
    ]);
    log(`stream sent in ${(stream.elapsedMs / 1000).toFixed(1)} s; faults over; starting the reference`);

    // The reference starts once the faults are over, so nothing interrupts it; it drains the input from its start.
    const started = await startScorer(
      brokers,
      ref,
      refGroup,
      logDir,
      scorerOptions(ref, 'reference', `${runId}-reference`),
    );
    unslotted.push(started);
    let referenceStopping = false;
    void started.service.exited.then((code) => {
      if (!referenceStopping)
        unexpectedExits.push(`reference: exited by itself with code ${code}\n${started.service.tail()}`);
    });
    cleanup.defer('reference', () => started.service.stop());

    const progress = new GroupProgress(brokers, `${runId}-progress`);
    cleanup.defer('progress', () => progress.close());
    const settleUntil = Date.now() + options.settleMs;
    const settled = {
      run: await caughtUp(progress, group, shared.transactions, settleUntil, (b) => log(`run: ${b} not yet committed`)),
      reference: await caughtUp(progress, refGroup, shared.transactions, settleUntil + options.settleMs, (b) =>
        log(`reference: ${b} not yet committed`),
      ),
    };
    const inputRecords = await progress.records(shared.transactions);

    // Stopped before they are read, so nothing more is written (at-least-once) and nothing is left open.
    await Promise.all(slots.map((s) => s.stop()));
    referenceStopping = true;
    await started.service.stop();
    const referenceCode = await started.service.exited;
    if (referenceCode !== 0) unexpectedExits.push(`reference: exited with code ${referenceCode} after SIGTERM`);

    const read = async (t: RunTopics, name: string) => {
      const decisions = new DecisionSet();
      const decided = await readTopicWhole(brokers, t.decisions, `${runId}-${name}-collector`, (m) => {
        const d = codecs.decision.decode(m.value);
        decisions.add(d.transactionId, verdictOf(d));
      });
      const dead = await readTopicWhole(brokers, t.deadLetters, `${runId}-${name}-dlq-collector`, () => {});
      return { decisions, deadLetters: dead.records, unstable: decided.unstable + dead.unstable };
    };
    const runRead = await read(run, 'run');
    const refRead = await read(ref, 'reference');
    const ids = input.transactions.map((t) => t.transactionId);
    return {
      runId,
      delivery,
      transactions: input.transactions.length,
      inputRecords,
      labels: input.labels.length,
      scorers: options.scorers,
      partitions: p,
      rate: options.rate,
      seed: options.seed,
      comparison: compareRuns(ids, runRead.decisions, refRead.decisions),
      deadLetters: { run: runRead.deadLetters, reference: refRead.deadLetters },
      unstableOffsets: { run: runRead.unstable, reference: refRead.unstable },
      planned,
      faults,
      settled,
      unexpectedExits,
      streamMs: stream.elapsedMs,
      maxBehindMs: stream.maxBehindMs,
      elapsedMs: Date.now() - began,
    };
  } finally {
    await cleanup.closeAll();
  }
}

/** Polls until `group` has committed all of `topic` (true) or the time is up (false), reporting every 10 s. */
async function caughtUp(
  progress: GroupProgress,
  group: string,
  topic: string,
  until: number,
  report: (behind: number) => void,
): Promise<boolean> {
  let lastReport = Date.now();
  for (;;) {
    const behind = await progress.behind(group, topic).catch(() => Number.NaN);
    if (behind === 0) return true;
    if (Date.now() >= until) return false;
    if (Date.now() - lastReport >= 10_000) {
      report(behind);
      lastReport = Date.now();
    }
    await sleep(500);
  }
}
