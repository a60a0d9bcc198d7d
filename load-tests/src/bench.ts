// The load-test entry point: `tsx load-tests/src/bench.ts [flags]` (see --help).
import { systemClock } from './clock.ts';
import { loadBenchConfig, USAGE } from './config.ts';
import type { BenchConfig } from './config.ts';
import { BenchError, errorMessage } from './errors.ts';
import type { ChildService } from './processes/child-service.ts';
import { runDeliveryBenchmark } from './delivery/delivery-benchmark.ts';
import { runDrainBenchmark } from './drain/drain-benchmark.ts';
import { runBenchmark } from './run/benchmark.ts';

let config: BenchConfig;
try {
  config = loadBenchConfig(process.env, process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${errorMessage(error)} (see --help)`);
  process.exit(2);
}
if (config.command === 'help') {
  console.log(USAGE);
  process.exit(0);
}

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
  const runs = {
    all: [runDrainBenchmark, runBenchmark],
    drain: [runDrainBenchmark],
    'open-loop': [runBenchmark],
    delivery: [runDeliveryBenchmark],
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
  const code = (error as { code?: unknown }).code;
  console.error(`bench: failed${typeof code === 'string' ? ` [${code}]` : ''}: ${errorMessage(error)}`);
  process.exit(1);
}
