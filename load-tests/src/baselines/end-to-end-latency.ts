import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors.ts';
import { parseEndToEndLatency } from './end-to-end-output.ts';
import type { EndToEndLatencyResult } from './end-to-end-output.ts';

export interface EndToEndLatencyRun {
  readonly classpath: readonly string[];
  readonly broker: string;
  readonly topic: string;
  readonly messages: number;
  readonly messageBytes: number;
  /** The raw output and a quiet log4j configuration are written here. */
  readonly outDir: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

// WARN and above to stderr: the tool's stdout is then only its own lines.
const LOG4J = [
  'log4j.rootLogger=WARN, stderr',
  'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stderr.Target=System.err',
  'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/**
 * Kafka's own end-to-end latency tool on the same broker: one message at a time, produced with acks=all and
 * consumed by a Java consumer, timed from before the send to after the poll returns it. The floor of one
 * produce → consume hop; closed-loop, so it has no rate and no queueing.
 */
export async function runEndToEndLatency(run: EndToEndLatencyRun): Promise<EndToEndLatencyResult> {
  const log4j = join(run.outDir, 'end-to-end-latency.log4j.properties');
  writeFileSync(log4j, LOG4J);
  const args = [
    '-Xmx256m',
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    run.classpath.join(':'),
    'org.apache.kafka.tools.EndToEndLatency',
    run.broker,
    run.topic,
    String(run.messages),
    'all',
    String(run.messageBytes),
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const onAbort = (): void => void child.kill('SIGTERM');
  run.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutMs);
  const code = await new Promise<number>((done) => {
    child.once('error', () => done(127));
    child.once('exit', (c, signal) => done(c ?? (signal ? 128 : 1)));
  });
  clearTimeout(timer);
  run.signal?.removeEventListener('abort', onAbort);
  writeFileSync(
    join(run.outDir, 'end-to-end-latency.txt'),
    `$ java ${args
      .slice(3)
      .join(' ')
      .replace(/-cp \S+/, '-cp <kafka jars>')}\n${stdout}${stderr}`,
  );
  const result = code === 0 ? parseEndToEndLatency(stdout, run.messages) : undefined;
  if (!result) {
    const tail = `${stdout}${stderr}`.trim().split('\n').slice(-10).join('\n');
    throw new BenchError('BASELINE_FAILED', `EndToEndLatency failed (exit ${code}):\n${tail}`);
  }
  return result;
}
