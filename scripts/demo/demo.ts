// The demo: the embedded broker, the scorer with the shipped model, the simulator and the dashboard, until
// Ctrl-C or --duration; then a summary of throughput, latency and detection quality. Stops all it started.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { startBroker, stopBroker } from '../../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../../infra/kafka/config.ts';
import { BrokerError } from '../../infra/kafka/errors.ts';
import { deleteTopics, ensureTopics } from '../../infra/kafka/topics.ts';
import { ChildService } from '../../load-tests/src/processes/child-service.ts';
import { loadConfig as loadSimConfig } from '../../services/producer-sim/src/config.ts';
import { createSimulation } from '../../services/producer-sim/src/create-simulation.ts';
import { systemClock } from '../../services/producer-sim/src/pacing/system-clock.ts';
import { flagsOrExit } from '../../services/cli/src/flags.ts';
import { runKafka } from '../../services/producer-sim/src/run-kafka.ts';
import type { LatencySnapshot } from '../../services/scorer/src/metrics/snapshot.ts';
import { SCORER_NODE_FLAGS } from '../../services/scorer/src/runtime-flags.ts';
import { DecisionObserver } from './observer.ts';
import { parseDemoOptions } from './options.ts';
import { printSummary } from './summary.ts';

const root = resolve(import.meta.dirname, '..', '..');
/**
 * Each run has topics and a consumer group of its own, named `demo-<run>-…`: the simulator replays the same
 * cards over the same simulated days every run, so card and terminal state restored from an earlier run would
 * be that run's history, not this one's (the scorer would score every transaction as the card's second).
 */
const DEMO_PREFIX = 'demo-';
function demoNames(runId: string) {
  const prefix = `${DEMO_PREFIX}${runId}-`;
  return {
    group: `${DEMO_PREFIX}${runId}`,
    transactions: `${prefix}transactions`,
    labels: `${prefix}transaction-labels`,
    decisions: `${prefix}decisions`,
    dlq: `${prefix}transactions.dlq`,
    terminalCounts: `${prefix}terminal-day-counts`,
  };
}
const say = (line: string) => console.log(`demo: ${line}`);

/** How late the demo's fraud reports come, in simulated days (the simulator's default is 7). */
const DEMO_LABEL_DELAY_DAYS = 2;

async function main(): Promise<number> {
  // --help exits 0, a bad flag 2 (BAD_FLAG), before anything is started.
  const options = flagsOrExit('demo', () => parseDemoOptions(process.argv.slice(2)));
  const logDir = join(root, '.cache', 'demo');
  mkdirSync(logDir, { recursive: true });
  const brokerConfig = loadBrokerConfig(process.env);
  const cleanups: (() => Promise<unknown>)[] = [];
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (abort.signal.aborted) {
      console.error('demo: second interrupt, exiting now');
      process.exit(130);
    }
    interrupted = true;
    say('stopping…');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const broker = await startBroker(brokerConfig, (line) => say(`kafka: ${line}`));
    if (broker.started && !options.keepBroker) cleanups.push(() => stopBroker(brokerConfig));
    say(`Kafka ${broker.started ? 'started' : 'already running'} at ${broker.address}`);
    const brokers = [broker.address];
    const runId = `demo${Date.now().toString(36)}`;
    const names = demoNames(runId);
    const earlier = await deleteTopics(brokers, (topic) => topic.startsWith(DEMO_PREFIX));
    if (earlier.length > 0) say(`deleted the ${earlier.length} topics of earlier demo runs on this broker`);
    await ensureTopics(brokers, [
      { name: names.transactions, partitions: 6 },
      { name: names.labels, partitions: 6 },
      { name: names.decisions, partitions: 6 },
      { name: names.dlq, partitions: 6 },
    ]);

    const scorer = new ChildService({
      name: 'scorer',
      script: 'services/scorer/src/main.ts',
      nodeFlags: SCORER_NODE_FLAGS,
      args: [
        ['--brokers', broker.address, '--http-port', String(options.httpPort), '--metrics-interval-ms', '1000'],
        // The embedded cluster has one broker: the topics the scorer creates get one replica.
        ['--topic-replication-factor', '1'],
        ['--group-id', names.group, '--topic-transactions', names.transactions, '--topic-labels', names.labels],
        [
          '--topic-decisions',
          names.decisions,
          '--topic-dlq',
          names.dlq,
          '--topic-terminal-counts',
          names.terminalCounts,
        ],
        // Fraud reports two simulated days late (a minute of demo), so the live-quality panel fills as it runs.
        ['--quality-label-delay-ms', String(DEMO_LABEL_DELAY_DAYS * 86_400_000), '--quality-interval-ms', '5000'],
      ].flat(),
      logFile: join(logDir, 'scorer.log'),
    });
    cleanups.push(() => scorer.stop());
    const url = `http://127.0.0.1:${options.httpPort}`;
    say('starting the scorer (model load, consumer group join)…');
    await scorer.waitFor(async () => (await fetch(`${url}/readyz`)).ok, 90_000, 'ready (/readyz)');

    const observer = new DecisionObserver(brokers, names.decisions);
    cleanups.push(() => observer.stop());
    await observer.start();

    const simArgs = ['--out', 'kafka', '--brokers', broker.address, '--rate', String(options.rate)];
    simArgs.push('--topic', names.transactions, '--labels-topic', names.labels);
    simArgs.push('--scenarios', options.scenarios, '--seed', String(options.seed), '--run-id', runId, '--days', '365');
    simArgs.push('--customers', String(options.customers), '--terminals', String(2 * options.customers));
    simArgs.push('--label-delay-days', String(DEMO_LABEL_DELAY_DAYS));
    if (Number.isFinite(options.durationMs)) simArgs.push('--duration', `${Math.round(options.durationMs)}ms`);
    const simConfig = loadSimConfig({}, simArgs);
    const sim = createSimulation(simConfig);

    say(`dashboard: ${url}/   (metrics: ${url}/metrics, JSON: ${url}/api/latency)`);
    say(
      `simulating ${options.rate} transactions/s, scenarios ${options.scenarios}` +
        (Number.isFinite(options.durationMs) ? ` for ${options.durationMs / 1000} s` : ', until Ctrl-C'),
    );
    const measureFrom = simConfig.startMs + options.warmupDays * 86_400_000;
    say(`the first ${options.warmupDays} simulated days warm up the card and terminal state: scored, not counted`);
    let transactionsPulled = 0;
    let labelsPulled = 0;
    const started = performance.now();
    const simLog = pino(
      { level: 'warn', base: { service: 'producer-sim' } },
      pino.destination(join(logDir, 'simulator.log')),
    );
    const sent = await runKafka(sim, simConfig, {
      logger: simLog,
      clock: systemClock,
      signal: abort.signal,
      onEvent: (event) => {
        if (event.kind !== 'transaction') {
          labelsPulled++;
          return;
        }
        transactionsPulled++;
        const warm = event.tx.eventTime >= measureFrom;
        observer.truth.set(event.tx.transactionId, warm ? event.scenario !== null : null);
      },
    });
    const sendSeconds = (performance.now() - started) / 1000;
    // The run may stop with one event taken from the simulation but not sent.
    const transactionsSent = Math.min(transactionsPulled, sent.sent - labelsPulled);

    // Let the scorer finish what is in flight (bounded), then read its final histograms.
    const waitUntil = Date.now() + 15_000;
    while (observer.pending > 0 && Date.now() < waitUntil && !interrupted) await sleep(200);
    if (interrupted && observer.pending > 0) await sleep(2_000);
    if (observer.failure !== undefined) say(`reading the decisions stopped early: ${observer.failure}`);
    let latency: LatencySnapshot | undefined;
    try {
      latency = (await (await fetch(`${url}/api/latency?encoded=false&distribution=false`)).json()) as LatencySnapshot;
    } catch {
      latency = undefined;
    }
    printSummary({
      sent: transactionsSent,
      sendSeconds,
      behindMaxMs: sent.maxLagMs,
      quality: observer.quality,
      pending: Math.max(0, transactionsSent - observer.quality.decided - observer.quality.warmup),
      latency,
    });
    return 0;
  } catch (error) {
    if (error instanceof BrokerError) {
      console.error(`demo: error [${error.code}]: ${error.message}`);
      if (error.detail) console.error(error.detail.replace(/^/gm, '  | '));
    } else {
      console.error(`demo: error: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`demo: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

process.exit(await main());
