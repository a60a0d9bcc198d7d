import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { flagsOrExit } from '../../cli/src/flags.ts';
import { loadConfig } from './config.ts';
import type { SimConfig } from './config.ts';
import { SCENARIO_DESCRIPTIONS, SCENARIO_IDS } from './core/scenario-ids.ts';
import { createSimulation } from './create-simulation.ts';
import { systemClock } from './pacing/system-clock.ts';
import { runKafka } from './run-kafka.ts';
import { runOffline } from './run-offline.ts';
import { NullSink } from './sinks/event-sink.ts';
import type { EventSink } from './sinks/event-sink.ts';
import { FileSink } from './sinks/file-sink.ts';
import { CSV, NDJSON } from './sinks/text-format.ts';

/** The settings worth recording with a run's output (everything but connection details). */
function settings(config: SimConfig): object {
  const { command: _command, kafka: _kafka, logLevel: _logLevel, ...rest } = config;
  return rest;
}

async function main(): Promise<number> {
  // --help prints the flag table and exits 0; a bad flag or variable prints one line and exits 2.
  const config = flagsOrExit('producer-sim', () => loadConfig(process.env, process.argv.slice(2)));
  if (config.command === 'list-scenarios') {
    for (const id of SCENARIO_IDS) process.stdout.write(`${id.padEnd(22)} ${SCENARIO_DESCRIPTIONS[id]}\n`);
    return 0;
  }

  const logger = pino({ level: config.logLevel, base: { service: 'producer-sim' } });
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) process.exit(130); // a second Ctrl-C does not wait for the drain
    logger.info({ signal }, 'stopping: draining in-flight records');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const built = performance.now();
  const sim = createSimulation(config);
  logger.info(
    {
      customers: config.customers,
      terminals: sim.world.terminalCount,
      worldMB: sim.world.byteLength / 1e6,
      ms: performance.now() - built,
    },
    'world built',
  );
  try {
    if (config.out === 'kafka') {
      const summary = await runKafka(sim, config, { logger, clock: systemClock, signal: abort.signal });
      logger.info(summary, 'kafka run finished');
    } else {
      const sink: EventSink =
        config.out === 'file'
          ? await FileSink.open(config.file.dir, config.file.format === 'csv' ? CSV : NDJSON)
          : new NullSink();
      const summary = await runOffline(sim, sink, {
        count: config.count,
        signal: abort.signal,
        now: () => performance.now(),
        logger,
        settings: settings(config),
      });
      logger.info({ ...summary, ...(config.out === 'file' ? { dir: config.file.dir } : {}) }, 'run finished');
    }
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'run failed');
    return 1;
  }
}

process.exitCode = await main();
