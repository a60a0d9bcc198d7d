import { createServer } from 'node:net';
import { join } from 'node:path';
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

/** Starts the scorer as a child process on its own topics and group; resolves once `/readyz` answers 200. */
export async function startScorer(
  brokers: readonly string[],
  topics: ScorerTopics,
  groupId: string,
  logDir: string,
  readyTimeoutMs = 90_000,
): Promise<StartedScorer> {
  const port = await freePort();
  const service = new ChildService({
    name: 'scorer',
    script: 'services/scorer/src/main.ts',
    args: [
      ['--brokers', brokers.join(',')],
      ['--http-host', '127.0.0.1'],
      ['--http-port', String(port)],
      ['--group-id', groupId],
      ['--topic-transactions', topics.transactions],
      ['--topic-decisions', topics.decisions],
      ['--topic-dlq', topics.deadLetters],
      ['--topic-labels', topics.labels],
      ['--topic-terminal-counts', topics.terminalCounts],
      ['--metrics-interval-ms', String(SCORER_METRICS_INTERVAL_MS)],
      ['--log-level', 'warn'],
    ].flat(),
    logFile: join(logDir, 'scorer.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await service.waitFor(async () => (await fetch(`${url}/readyz`)).ok, readyTimeoutMs, 'ready (/readyz)');
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { service, url };
}

/** Starts the pass-through baseline; resolves once it has joined its consumer group. */
export async function startPassThrough(
  brokers: readonly string[],
  input: string,
  output: string,
  groupId: string,
  logDir: string,
  readyTimeoutMs = 60_000,
): Promise<ChildService> {
  const service = new ChildService({
    name: 'pass-through',
    script: 'load-tests/src/pass-through/main.ts',
    args: ['--brokers', brokers.join(','), '--group-id', groupId, '--input', input, '--output', output],
    logFile: join(logDir, 'pass-through.log'),
  });
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
