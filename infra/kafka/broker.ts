import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '@platformatic/kafka';
import { brokerAddress, type BrokerConfig } from './config.ts';
import { BrokerError } from './errors.ts';
import { ensureJars } from './jars.ts';
import { log4jProperties, serverProperties } from './properties.ts';

export type BrokerState =
  | { kind: 'running'; pid: number; address: string }
  | { kind: 'unresponsive'; pid: number; address: string }
  | { kind: 'stopped'; address: string };

interface PidRecord {
  pid: number;
  port: number;
  startedAt: string;
}

const paths = (config: BrokerConfig) => ({
  pidFile: join(config.stateDir, 'broker.pid.json'),
  serverProps: join(config.stateDir, 'server.properties'),
  log4jProps: join(config.stateDir, 'log4j.properties'),
  dataDir: join(config.stateDir, 'data'),
  formatted: join(config.stateDir, 'data', 'meta.properties'),
});

export async function brokerStatus(config: BrokerConfig): Promise<BrokerState> {
  const address = brokerAddress(config);
  const record = readPidRecord(config);
  if (!record || !isOurBroker(record.pid, config)) return { kind: 'stopped', address };
  return (await answersMetadata(address, 3_000))
    ? { kind: 'running', pid: record.pid, address }
    : { kind: 'unresponsive', pid: record.pid, address };
}

/**
 * Starts the broker unless the one this project started is already running (then it is reused).
 * Resolves once the broker answers a metadata request; returns whether this call started it.
 */
export async function startBroker(
  config: BrokerConfig,
  log: (line: string) => void = () => {},
): Promise<{ started: boolean; pid: number; address: string }> {
  const address = brokerAddress(config);
  const record = readPidRecord(config);
  if (record && isOurBroker(record.pid, config)) {
    // It may still be starting (another command started it a moment ago).
    if (await waitForMetadata(address, config.startTimeoutMs, () => !isAlive(record.pid))) {
      return { started: false, pid: record.pid, address };
    }
    throw new BrokerError(
      'BROKER_TIMEOUT',
      `broker pid ${record.pid} is running but does not answer on ${address}`,
      logTail(config),
    );
  }

  const java = checkJava();
  await assertPortFree(config.host, config.port, 'KAFKA_PORT');
  await assertPortFree(config.host, config.controllerPort, 'KAFKA_CONTROLLER_PORT');
  const jars = ensureJars(config.libsDir, log);
  const p = paths(config);
  mkdirSync(config.stateDir, { recursive: true });
  writeFileSync(p.serverProps, serverProperties(config));
  writeFileSync(p.log4jProps, log4jProperties());
  const classpath = jars.join(':');
  const jvm = [`-Dlog4j.configuration=file:${p.log4jProps}`, '-Djava.awt.headless=true', '-cp', classpath];

  if (!existsSync(p.formatted)) {
    log(`formatting KRaft storage in ${p.dataDir}`);
    const clusterId = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    const format = spawnSync(
      java,
      [
        ...jvm, // `=`: a random id may start with '-', which the tool's argument parser would take for an option.
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        `--config=${p.serverProps}`,
      ],
      {
        encoding: 'utf8',
      },
    );
    if (format.status !== 0) {
      const out = `${format.stdout}${format.stderr}`.trim().split('\n').slice(-10).join('\n');
      throw new BrokerError('FORMAT_FAILED', `kafka.tools.StorageTool format failed (exit ${format.status})`, out);
    }
  }

  const logFd = openSync(config.logFile, 'a');
  const child = spawn(
    java,
    [
      `-Xms${Math.min(256, config.heapMb)}m`,
      `-Xmx${config.heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      ...jvm,
      'kafka.Kafka',
      p.serverProps,
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new BrokerError('BROKER_EXITED', 'the broker process could not be spawned');
  const exit: { code: number | null } = { code: null };
  child.once('exit', (code, signal) => (exit.code = code ?? (signal ? 128 : 1)));
  child.unref();
  writeFileSync(
    p.pidFile,
    JSON.stringify({ pid, port: config.port, startedAt: new Date().toISOString() } satisfies PidRecord),
  );
  log(`broker pid ${pid} starting on ${address} (log: ${config.logFile})`);

  if (await waitForMetadata(address, config.startTimeoutMs, () => exit.code !== null))
    return { started: true, pid, address };
  if (exit.code !== null) {
    rmSync(p.pidFile, { force: true });
    throw new BrokerError('BROKER_EXITED', `the broker exited with code ${exit.code} during start-up`, logTail(config));
  }
  throw new BrokerError(
    'BROKER_TIMEOUT',
    `the broker did not answer on ${address} within ${config.startTimeoutMs} ms`,
    logTail(config),
  );
}

/** Stops the broker recorded in this project's pid file, and only that one. Idempotent. */
export async function stopBroker(config: BrokerConfig, graceMs = 30_000): Promise<'stopped' | 'not-running'> {
  const p = paths(config);
  const record = readPidRecord(config);
  if (!record || !isOurBroker(record.pid, config)) {
    rmSync(p.pidFile, { force: true });
    return 'not-running';
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(record.pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
  while (isAlive(record.pid)) await sleep(50);
  rmSync(p.pidFile, { force: true });
  return 'stopped';
}

/** Stops the broker and deletes its storage: the next start formats a fresh cluster. */
export async function resetBroker(config: BrokerConfig): Promise<void> {
  await stopBroker(config);
  rmSync(paths(config).dataDir, { recursive: true, force: true });
  rmSync(config.logFile, { force: true });
}

export function logTail(config: BrokerConfig, lines = 20): string {
  try {
    return readFileSync(config.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no broker log)';
  }
}

function readPidRecord(config: BrokerConfig): PidRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(paths(config).pidFile, 'utf8')) as PidRecord;
    return Number.isInteger(record.pid) && record.port === config.port ? record : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) still answers kill(0).
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pid is alive and is a Kafka JVM started with this state folder: a reused pid is never signalled. */
function isOurBroker(pid: number, config: BrokerConfig): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(paths(config).serverProps);
  } catch {
    return false;
  }
}

function checkJava(): string {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new BrokerError(
      'JAVA_MISSING',
      'java not found on PATH: install a JDK or JRE 17 (apt-get install openjdk-17-jre-headless)',
    );
  }
  const major = /version "(\d+)/.exec(result.stderr)?.[1];
  if (major !== undefined && Number(major) < 11) {
    throw new BrokerError(
      'JAVA_MISSING',
      `java ${major} is too old: Kafka 3.9 needs Java 11 or newer (17 recommended)`,
    );
  }
  return 'java';
}

async function assertPortFree(host: string, port: number, setting: string): Promise<void> {
  const free = await new Promise<boolean>((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolvePort(true)));
  });
  if (!free) {
    throw new BrokerError(
      'PORT_TAKEN',
      `port ${port} on ${host} is taken by another process: free it or set ${setting}`,
    );
  }
}

/** Polls until the broker answers, `gaveUp()` says to stop, or the time is over. */
async function waitForMetadata(address: string, timeoutMs: number, gaveUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    if (await answersMetadata(address, 2_000)) return true;
    await sleep(250);
  }
  return false;
}

/** One metadata request, no retries: the broker answers it (and lists itself) once it serves clients. */
async function answersMetadata(address: string, timeoutMs: number): Promise<boolean> {
  const admin = new Admin({
    clientId: 'fraud-stream-probe',
    bootstrapBrokers: [address],
    connectTimeout: Math.min(timeoutMs, 3_000),
    timeout: timeoutMs,
    retries: 0,
  });
  try {
    // No topics: the request asks only for the brokers.
    const cluster = await admin.metadata({ topics: [] });
    return cluster.brokers.size > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}
