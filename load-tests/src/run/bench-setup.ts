import { Admin } from '@platformatic/kafka';
import { startBroker, stopBroker } from '../../../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Clock } from '../clock.ts';
import type { TargetName } from '../config.ts';
import { errorMessage } from '../errors.ts';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';
import { MatchRegistry } from '../measure/match-registry.ts';
import { startOutputConsumer } from '../measure/output-consumer.ts';
import type { OutputConsumer } from '../measure/output-consumer.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import type { PhaseTarget } from './phase-runner.ts';

/**
 * The brokers a run uses: the given ones, else the embedded broker, started if it is not running (and then
 * stopped with the run's cleanup).
 */
export async function useBrokers(
  given: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
  cleanup: CleanupStack,
  log: (line: string) => void,
): Promise<readonly string[]> {
  if (given !== undefined) return given;
  const brokerConfig = loadBrokerConfig(env);
  const broker = await startBroker(brokerConfig, (line) => log(`kafka: ${line}`));
  if (broker.started) cleanup.defer('broker', () => stopBroker(brokerConfig));
  log(`kafka: ${broker.started ? 'started' : 'reusing'} the embedded broker on ${broker.address}`);
  return [broker.address];
}

/** One invocation's topics: unique names, so runs never read each other's records. */
export interface BenchTopics {
  readonly scorerIn: string;
  readonly decisions: string;
  readonly deadLetters: string;
  readonly labels: string;
  readonly terminalCounts: string;
  readonly passIn: string;
  readonly passOut: string;
  readonly endToEnd: string;
}

export function benchTopics(runId: string): BenchTopics {
  return {
    scorerIn: `${runId}-transactions`,
    decisions: `${runId}-decisions`,
    deadLetters: `${runId}-transactions.dlq`,
    labels: `${runId}-transaction-labels`,
    terminalCounts: `${runId}-terminal-day-counts`,
    passIn: `${runId}-pass-in`,
    passOut: `${runId}-pass-out`,
    endToEnd: `${runId}-end-to-end`,
  };
}

/** The pipelines' topics get `partitions`; the side topics and EndToEndLatency's (as the tool makes it) one. */
export async function createBenchTopics(brokers: readonly string[], t: BenchTopics, partitions: number): Promise<void> {
  await ensureTopics(brokers, [
    ...[t.scorerIn, t.decisions, t.passIn, t.passOut].map((name) => ({ name, partitions })),
    { name: t.terminalCounts, partitions, compacted: true },
    ...[t.deadLetters, t.labels, t.endToEnd].map((name) => ({ name, partitions: 1 })),
  ]);
}

/**
 * Deletes the run's topics and consumer groups, once all are closed: every name a run gives starts with its run
 * id and a dash (the scorer's own groups too, which take its group id as their prefix).
 */
export async function deleteBenchResources(brokers: readonly string[], runId: string): Promise<void> {
  const admin = new Admin(baseClientOptions(brokers, 'lt-admin'));
  try {
    const mine = (await admin.listTopics()).filter((name) => name.startsWith(`${runId}-`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    const groups = [...(await admin.listGroups()).keys()].filter((id) => id.startsWith(`${runId}-`));
    // A group still in use refuses; the broker expires empty groups by itself, so this is tidiness, not a failure.
    if (groups.length > 0) await admin.deleteGroups({ groups }).catch(() => {});
  } finally {
    await admin.close();
  }
}

export interface OpenedTarget {
  readonly target: PhaseTarget;
  readonly consumer: OutputConsumer;
}

/**
 * A target with the consumer of its output topic: the scorer's decisions (Decision → transactionId) or the
 * pass-through's copies (Transaction → transactionId). Each consumer decodes with its own codecs.
 */
export async function openTarget(
  brokers: readonly string[],
  name: TargetName,
  topics: { readonly input: string; readonly output: string },
  groupId: string,
  clock: Clock,
  log: (line: string) => void,
  scorer?: { readonly url: string; readonly intervalMs: number },
): Promise<OpenedTarget> {
  const codecs = createSchemaCodecs();
  const transactionIdOf =
    name === 'scorer'
      ? (value: Buffer) => codecs.decision.decode(value).transactionId
      : (value: Buffer) => codecs.transaction.decode(value).transactionId;
  const registry = new MatchRegistry();
  let decodeErrors = 0;
  const consumer = await startOutputConsumer({
    brokers,
    topic: topics.output,
    groupId,
    transactionIdOf,
    onOutput: (id, at) => registry.consumed(id, at),
    onError: (error) => {
      // One line, not one per record: a broken output topic would flood the progress.
      if (decodeErrors++ === 0)
        log(`${name}: an output record does not decode (${errorMessage(error)}); counting the rest silently`);
    },
    onClientError: (error) => log(`${name}: the output consumer failed: ${errorMessage(error)}`),
    clock,
  });
  return {
    consumer,
    target: {
      name,
      inputTopic: topics.input,
      registry,
      scorerUrl: scorer?.url,
      scorerIntervalMs: scorer?.intervalMs,
    },
  };
}
