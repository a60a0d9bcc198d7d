import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brokerStatus, startBroker, stopBroker } from '../../../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { BenchError } from '../errors.ts';

/** A broker a run may kill: the run started it and nothing else uses it. */
export interface BrokerControl {
  readonly address: string;
  /** SIGKILL: no clean shutdown, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same storage (a log recovery); resolves once it answers clients. */
  start(): Promise<void>;
}

export interface OwnBroker extends BrokerControl {
  /** Stops it and deletes its storage. Idempotent. */
  close(): Promise<void>;
}

export interface OwnBrokerOptions {
  readonly port: number;
  readonly controllerPort?: number | undefined;
  /** Where the Kafka jars are (or go, on first use). */
  readonly libsDir: string;
  readonly heapMb?: number;
  readonly log?: (line: string) => void;
}

/**
 * The embedded broker on `port`, with its storage in a fresh temporary folder that outlives its restarts: a
 * clean cluster for the run, so a broker SIGKILL disturbs nobody else. Fails with PORT_TAKEN if the port is.
 */
export async function startOwnBroker(options: OwnBrokerOptions): Promise<OwnBroker> {
  const stateDir = mkdtempSync(join(tmpdir(), 'chaos-broker-'));
  const config = loadBrokerConfig({
    KAFKA_PORT: String(options.port),
    ...(options.controllerPort === undefined ? {} : { KAFKA_CONTROLLER_PORT: String(options.controllerPort) }),
    KAFKA_STATE_DIR: stateDir,
    KAFKA_LIBS_DIR: options.libsDir,
    KAFKA_HEAP_MB: String(options.heapMb ?? 768),
  });
  const log = options.log ?? (() => {});
  const cleanUp = () => rmSync(stateDir, { recursive: true, force: true });
  let address: string;
  try {
    address = (await startBroker(config, log)).address;
  } catch (error) {
    await stopBroker(config, 5_000).catch(() => {});
    cleanUp();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    address,
    async kill() {
      const state = await brokerStatus(config);
      if (state.kind === 'stopped') throw new BenchError('FAULT_FAILED', `no broker running on ${address} to kill`);
      process.kill(state.pid, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while ((await brokerStatus(config)).kind !== 'stopped') {
        if (Date.now() > deadline) throw new BenchError('FAULT_FAILED', `broker pid ${state.pid} outlived SIGKILL`);
        await sleep(50);
      }
    },
    async start() {
      await startBroker(config, log);
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await stopBroker(config, 5_000);
        } finally {
          cleanUp();
        }
      })()),
  };
}
