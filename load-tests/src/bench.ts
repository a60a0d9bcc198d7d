// The load-test entry point: `tsx load-tests/src/bench.ts [flags]` (see --help).
import { BAD_FLAG_EXIT_CODE, FlagError, flagsOrExit } from '../../services/cli/src/flags.ts';
import { systemClock } from './clock.ts';
import { loadBenchConfig } from './config.ts';
import { BenchError, errorMessage } from './errors.ts';
import type { ChildService } from './processes/child-service.ts';
import { runDeliveryBenchmark } from './delivery/delivery-benchmark.ts';
import { runDrainBenchmark } from './drain/drain-benchmark.ts';
import { runModelsBenchmark } from './models/models-benchmark.ts';
import { runBenchmark } from './run/benchmark.ts';

// --help prints the flag table and exits 0; a bad flag or variable prints one line and exits 2.
const config = flagsOrExit('bench', () => loadBenchConfig(process.env, process.argv.slice(2)));

const abort = new AbortController();
const children = new Set<ChildService>();
const onSignal = (): void => {
  if (abort.signal.aborted) {
    // A second Ctrl-C does not wait for the clean stop.
    for (const child of children) child.kill();
    process.exit(130);
  }
  console.log('bench: interrupted: stopping everything it started (Ctrl-C again to kill)');
  abort.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const began = Date.now();
const deps = {
  env: process.env,
  command: ['tsx load-tests/src/bench.ts', ...process.argv.slice(2)].join(' '),
  clock: systemClock,
  log: (line: string) => console.log(line),
  signal: abort.signal,
  children,
};
try {
  // One after the other: the drain's CPU figures must not share the machine with the sweep's processes.
  type Run = (c: typeof config, d: typeof deps) => Promise<{ readonly markdown: string; readonly dir: string }>;
  const runs: Record<typeof config.mode, readonly Run[]> = {
    all: [runDrainBenchmark, runBenchmark],
    drain: [runDrainBenchmark],
    'open-loop': [runBenchmark],
    delivery: [runDeliveryBenchmark],
    models: [runModelsBenchmark],
  };
  const outcomes = [];
  for (const run of runs[config.mode]) outcomes.push(await run(config, deps));
  for (const outcome of outcomes) console.log(`\n${outcome.markdown}`);
  for (const outcome of outcomes) console.log(`results: ${outcome.dir}`);
  console.log(`bench: done in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  process.exit(0);
} catch (error) {
  if (abort.signal.aborted || (error instanceof BenchError && error.code === 'ABORTED')) {
    console.error('bench: interrupted');
    process.exit(130);
  }
  if (error instanceof FlagError) {
    // Found only once running, such as a --compare-node that does not run: a bad flag all the same.
    console.error(`bench: ${error.code}: ${error.message} (see --help)`);
    process.exit(BAD_FLAG_EXIT_CODE);
  }
  const code = (error as { code?: unknown }).code;
  console.error(`bench: failed${typeof code === 'string' ? ` [${code}]` : ''}: ${errorMessage(error)}`);
  process.exit(1);
}
