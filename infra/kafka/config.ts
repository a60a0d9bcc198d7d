import { resolve } from 'node:path';
import { BrokerError } from './errors.ts';

export interface BrokerConfig {
  readonly host: '127.0.0.1';
  /** Client (PLAINTEXT) port. 19092 rather than 9092 so a developer's own Kafka is left alone. */
  readonly port: number;
  readonly controllerPort: number;
  /** Everything the broker writes: storage, properties, pid file, log. Git-ignored. */
  readonly stateDir: string;
  readonly libsDir: string;
  readonly logFile: string;
  readonly heapMb: number;
  readonly startTimeoutMs: number;
}

const root = resolve(import.meta.dirname, '..', '..');

function intOption(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BrokerError('BAD_CONFIG', `${name}=${raw} is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The broker's settings from the environment (KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_STATE_DIR, ...). */
export function loadBrokerConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const port = intOption(env, 'KAFKA_PORT', 19092, 1024, 65535);
  const controllerPort = intOption(env, 'KAFKA_CONTROLLER_PORT', port + 1, 1024, 65535);
  if (controllerPort === port) {
    throw new BrokerError('BAD_CONFIG', `KAFKA_CONTROLLER_PORT=${controllerPort} must differ from KAFKA_PORT`);
  }
  const stateDir = resolve(env['KAFKA_STATE_DIR'] || resolve(root, '.cache', 'kafka', `broker-${port}`));
  return Object.freeze({
    host: '127.0.0.1',
    port,
    controllerPort,
    stateDir,
    libsDir: resolve(env['KAFKA_LIBS_DIR'] || resolve(root, '.cache', 'kafka', 'libs')),
    logFile: resolve(env['KAFKA_LOG_FILE'] || resolve(stateDir, 'broker.log')),
    heapMb: intOption(env, 'KAFKA_HEAP_MB', 1024, 256, 16384),
    startTimeoutMs: intOption(env, 'KAFKA_START_TIMEOUT_MS', 90_000, 5_000, 600_000),
  });
}

export function brokerAddress(config: BrokerConfig): string {
  return `${config.host}:${config.port}`;
}
