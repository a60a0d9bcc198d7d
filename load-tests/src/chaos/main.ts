// `npm run chaos -- churn [flags]`: the consumer group's life on the project's own broker (see churn.ts).
// `npm run chaos -- exactly-once [flags]`: exactly one decision per transaction through kills (exactly-once.ts).
import { parseArgs } from 'node:util';
import { startBroker, stopBroker } from '../../../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { formatChurnReport, runChurn } from './churn.ts';
import { exactlyOnceCommand } from './exactly-once-command.ts';

if (process.argv[2] === 'exactly-once') process.exit(await exactlyOnceCommand(process.argv.slice(3), process.env));

const USAGE = `usage: npm run chaos -- churn [flags]   (or: npm run chaos -- exactly-once --help)
  --transactions N   transactions sent (default 60000)
  --rate N           transactions per second (default 1000)
  --scorers N        scorers at the start (default 3)
  --changes N        membership changes: joins, SIGTERM leaves, SIGKILL crashes (default 12)
  --partitions N     partitions of the input topic (default 6)
  --seed N           picks the transactions and the victims (default 42)
Uses KAFKA_BROKERS when set; otherwise starts the embedded broker (and stops it after, if it started it).
Exit code 0 only if every transaction was decided and no scorer stopped by itself.`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`chaos: --${name} must be a positive integer\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      transactions: { type: 'string' },
      rate: { type: 'string' },
      scorers: { type: 'string' },
      changes: { type: 'string' },
      partitions: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
} catch (error) {
  console.error(`chaos: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals[0] !== 'churn' || positionals.length !== 1) {
  console.error(`chaos: expected the scenario 'churn' or 'exactly-once'\n${USAGE}`);
  process.exit(2);
}

const brokerConfig = loadBrokerConfig(process.env);
let startedHere = false;
let brokers = process.env['KAFKA_BROKERS']?.split(',');
if (brokers === undefined) {
  const broker = await startBroker(brokerConfig, (line) => console.log(`kafka: ${line}`));
  startedHere = broker.started;
  brokers = [broker.address];
}
const log = (line: string) => console.log(`chaos: ${line}`);
let ok = false;
try {
  const report = await runChurn({
    brokers,
    transactions: positive('transactions', values.transactions, 60_000),
    rate: positive('rate', values.rate, 1000),
    scorers: positive('scorers', values.scorers, 3),
    changes: positive('changes', values.changes, 12),
    partitions: positive('partitions', values.partitions, 6),
    seed: positive('seed', values.seed, 42),
    settleMs: 120_000,
    log,
  });
  console.log(formatChurnReport(report));
  ok = report.missing === 0 && report.unexpectedExits.length === 0;
} finally {
  if (startedHere) await stopBroker(brokerConfig);
}
process.exit(ok ? 0 : 1);
