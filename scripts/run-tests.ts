// Finds the test files and runs them with node's test runner, in one invocation so the run ends with one summary.
// `unit`: *.test.ts without a broker. `integration` / `all`: also *.int.test.ts against the shared local broker,
// started here if it is not running and stopped at the end if this run started it.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startBroker, stopBroker } from '../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../infra/kafka/config.ts';
import { BrokerError } from '../infra/kafka/errors.ts';

const root = resolve(import.meta.dirname, '..');
const mode = process.argv[2] ?? 'all';
if (!['unit', 'integration', 'all'].includes(mode)) {
  console.error(`run-tests: unknown mode '${mode}': expected unit, integration or all`);
  process.exit(2);
}
const filters = process.argv.slice(3);

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const all = ['infra', 'schemas', 'services', 'load-tests', 'model']
  .flatMap((d) => {
    try {
      return findTests(join(root, d));
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const isIntegration = (f: string) => f.endsWith('.int.test.ts');
const files = all.filter((f) =>
  mode === 'unit' ? !isIntegration(f) : mode === 'integration' ? isIntegration(f) : true,
);
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

const env = { ...process.env };
let startedHere = false;
const config = loadBrokerConfig(process.env);
if (files.some(isIntegration) && !process.env['KAFKA_BROKERS']) {
  const broker = await startBroker(config, (line) => console.log(`kafka: ${line}`)).catch((error: unknown) => {
    const detail =
      error instanceof BrokerError ? `[${error.code}] ${error.message}\n${error.detail ?? ''}` : String(error);
    console.error(`run-tests: the test broker did not start: ${detail}`);
    process.exit(1);
  });
  startedHere = broker.started;
  env['KAFKA_BROKERS'] = broker.address;
  console.log(`kafka: ${broker.started ? 'started' : 'reusing'} broker on ${broker.address}`);
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const code = await new Promise<number>((done) => child.once('exit', (c, signal) => done(c ?? (signal ? 1 : 0))));
if (startedHere) {
  await stopBroker(config);
  console.log('kafka: stopped the broker this run started');
}
process.exit(code);
