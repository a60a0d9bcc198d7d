// The pass-through baseline as its own process, as the scorer is: `ready` on stdout once it has joined its group.
// `--client platformatic` (default) runs on the scorer's own Kafka edge; `--client kafkajs` on the client it left.
import { createLogger } from '../../../services/scorer/src/observability/logger.ts';
import { errorMessage } from '../errors.ts';
import { loadPassThroughConfig } from './pass-through-config.ts';
import type { RunningPassThrough } from './platformatic-pass-through.ts';

let config;
try {
  config = loadPassThroughConfig(process.argv.slice(2));
} catch (error) {
  console.error(`pass-through: ${errorMessage(error)}`);
  process.exit(2);
}
// Warnings and errors only (JSON lines): a line per record or per commit would cost what is being measured.
const log = createLogger('warn', `pass-through-${config.client}`);
let running: RunningPassThrough | undefined;
let stopping: Promise<void> | undefined;
const stop = (code: number): Promise<void> =>
  (stopping ??= (async () => {
    await running?.stop().catch(() => {});
    process.exit(code);
  })());
const hooks = {
  ready: () => console.log('ready'),
  fatal: (error: unknown) => {
    console.error(`pass-through: ${errorMessage(error)}`);
    void stop(1);
  },
  log,
  logLine: (line: string) => console.error(line),
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));
try {
  // Loaded on demand: the kafkajs one also runs on Node 20, where @platformatic/kafka (Node 22+) would not load.
  running =
    config.client === 'kafkajs'
      ? await (await import('./kafkajs-pass-through.ts')).startKafkajsPassThrough(config, hooks)
      : await (await import('./platformatic-pass-through.ts')).startPlatformaticPassThrough(config, hooks);
} catch (error) {
  console.error(`pass-through: start-up failed: ${errorMessage(error)}`);
  await stop(1);
}
