import { createServer } from 'node:net';
import { join } from 'node:path';
import type { PassThroughClient } from '../pass-through/pass-through-config.ts';
import { SCORER_NODE_FLAGS } from '../../../services/scorer/src/runtime-flags.ts';
import { ChildService } from './child-service.ts';

export interface ScorerTopics {
  readonly transactions: string;
  readonly decisions: string;
  readonly deadLetters: string;
  readonly labels: string;
  readonly terminalCounts: string;
}

export interface StartedScorer {
  readonly service: ChildService;
  /** Base URL of its HTTP server (`/api/latency`, `/readyz`). */
  readonly url: string;
}

/** How often the scorer folds its interval histograms into the cumulative ones that the phases difference. */
export const SCORER_METRICS_INTERVAL_MS = 1_000;

export interface ScorerStartOptions {
  readonly readyTimeoutMs?: number;
  /** Called with the child as soon as it is spawned, before it is ready (to watch its CPU time from the start). */
  readonly onSpawn?: (service: ChildService) => void;
  /**
   * The scorer's budget from a record's Kafka timestamp (its --deadline-ms, default 100): past it a record is
   * decided by rules alone, degraded. A backlog is old by design, so the drain benchmark raises it.
   */
  readonly deadlineMs?: number;
  /**
   * Its --instance-id: names its transactional id and its private readers. A restarted instance given the same
   * id fences its predecessor at once; default: the scorer generates one.
   */
  readonly instanceId?: string;
  /** Its --log-level; default warn. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Its --delivery; default the scorer's own (exactly-once). */
  readonly delivery?: 'exactly-once' | 'at-least-once';
  /** Its --topic-card-state; default the scorer's own (`<group id>-card-state-changelog`). */
  readonly cardStateTopic?: string;
  /** Names the child in messages and its log file (`<name>.log`, appended); default `scorer`. */
  readonly name?: string;
  /**
   * The bearer token of its `/admin` endpoints (model swap, challenger, promote; at least 16 characters), given
   * in its environment (`SCORER_ADMIN_TOKEN`), never as an argument: arguments show in the process list.
   * Default none: the endpoints are off.
   */
  readonly adminToken?: string;
  /** Its --challenger-model: a challenger that shadows the champion from the first record; default none. */
  readonly challengerModelPath?: string;
}

/** Starts the scorer as a child process on its own topics and group; resolves once `/readyz` answers 200. */
export async function startScorer(
  brokers: readonly string[],
  topics: ScorerTopics,
  groupId: string,
  logDir: string,
  options: ScorerStartOptions = {},
): Promise<StartedScorer> {
  const { readyTimeoutMs = 90_000, deadlineMs, onSpawn, name = 'scorer' } = options;
  const optional = (flag: string, value: string | number | undefined) =>
    value === undefined ? [] : [flag, String(value)];
  const port = await freePort();
  const service = new ChildService({
    name,
    script: 'services/scorer/src/main.ts',
    nodeFlags: SCORER_NODE_FLAGS,
    args: [
      ['--brokers', brokers.join(',')],
      ['--http-host', '127.0.0.1'],
      ['--http-port', String(port)],
      ['--group-id', groupId],
      // The benchmarks' topics are theirs alone, deleted after the run: one replica on any cluster.
      ['--topic-replication-factor', '1'],
      ['--topic-transactions', topics.transactions],
      ['--topic-decisions', topics.decisions],
      ['--topic-dlq', topics.deadLetters],
      ['--topic-labels', topics.labels],
      ['--topic-terminal-counts', topics.terminalCounts],
      ['--metrics-interval-ms', String(SCORER_METRICS_INTERVAL_MS)],
      ['--log-level', options.logLevel ?? 'warn'],
      optional('--deadline-ms', deadlineMs),
      optional('--instance-id', options.instanceId),
      optional('--delivery', options.delivery),
      optional('--topic-card-state', options.cardStateTopic),
      optional('--challenger-model', options.challengerModelPath),
    ].flat(),
    logFile: join(logDir, `${name}.log`),
    ...(options.adminToken === undefined ? {} : { env: { SCORER_ADMIN_TOKEN: options.adminToken } }),
  });
  onSpawn?.(service);
  const url = `http://127.0.0.1:${port}`;
  try {
    await service.waitFor(async () => (await fetch(`${url}/readyz`)).ok, readyTimeoutMs, 'ready (/readyz)');
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { service, url };
}

export interface PassThroughStartOptions {
  /** Default platformatic, the scorer's client; kafkajs is the pre-move baseline. */
  readonly client?: PassThroughClient;
  readonly readyTimeoutMs?: number;
  /** Another Node binary to run it on (kafkajs only: @platformatic/kafka needs Node 22 or later). */
  readonly node?: string | undefined;
  /** Its name and log file's: default `pass-through` on platformatic, `pass-through-kafkajs` on kafkajs. */
  readonly name?: string;
  readonly onSpawn?: (service: ChildService) => void;
}

/** Starts the pass-through baseline; resolves once it has joined its consumer group. */
export async function startPassThrough(
  brokers: readonly string[],
  input: string,
  output: string,
  groupId: string,
  logDir: string,
  options: PassThroughStartOptions = {},
): Promise<ChildService> {
  const { client = 'platformatic', readyTimeoutMs = 60_000, node, onSpawn } = options;
  const name = options.name ?? (client === 'kafkajs' ? 'pass-through-kafkajs' : 'pass-through');
  const service = new ChildService({
    name,
    script: 'load-tests/src/pass-through/main.ts',
    // The scorer's runtime flags too, so scorer − pass-through is what scoring costs, not a GC setting.
    nodeFlags: SCORER_NODE_FLAGS,
    args: [
      ['--brokers', brokers.join(','), '--group-id', groupId, '--input', input, '--output', output],
      ['--client', client],
    ].flat(),
    logFile: join(logDir, `${name}.log`),
    node,
  });
  onSpawn?.(service);
  try {
    await service.waitForLine(/^ready$/, readyTimeoutMs);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

/** A port free on 127.0.0.1 a moment ago (the scorer takes its port as a number, not 0). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
