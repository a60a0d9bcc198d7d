// `npm run chaos -- churn [flags]`: the consumer group's life on the project's own broker (see churn.ts).
// `npm run chaos -- exactly-once [flags]`: exactly one decision per transaction through kills (exactly-once.ts).
import { startBroker, stopBroker } from '../../../infra/kafka/broker.ts';
import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { FlagError, flagsOrExit, parseFlags } from '../../../services/cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../services/cli/src/flags.ts';
import { formatChurnReport, runChurn } from './churn.ts';
import { exactlyOnceCommand } from './exactly-once-command.ts';

if (process.argv[2] === 'exactly-once') process.exit(await exactlyOnceCommand(process.argv.slice(3), process.env));

const CHURN_COMMAND = {
  usage: 'npm run chaos -- churn [flags]   (or: npm run chaos -- exactly-once --help)',
  notes:
    'Uses KAFKA_BROKERS when set; otherwise starts the embedded broker (and stops it after, if it started it).\n' +
    'Exit code 0 only if every transaction was decided and no scorer stopped by itself; 2 a bad flag (BAD_FLAG).',
  flags: {
    transactions: { value: 'N', default: '60000', meaning: 'transactions sent' },
    rate: { value: 'N', default: '1000', meaning: 'transactions per second' },
    scorers: { value: 'N', default: '3', meaning: 'scorers at the start' },
    changes: { value: 'N', default: '12', meaning: 'membership changes: joins, SIGTERM leaves, SIGKILL crashes' },
    partitions: { value: 'N', default: '6', meaning: 'partitions of the input topic' },
    seed: { value: 'N', default: '42', meaning: 'picks the transactions and the victims' },
  },
  // The scenario's name: a missing one is named by the check below, not as a count of arguments.
  positionals: { min: 0, max: 1 },
} as const satisfies CommandSpec<FlagTable>;

const MAX = Number.MAX_SAFE_INTEGER;
const options = flagsOrExit('chaos', () => {
  const flags = parseFlags(CHURN_COMMAND, process.argv.slice(2));
  if (flags.positionals[0] !== 'churn') {
    const got = flags.positionals[0] === undefined ? 'none' : `'${flags.positionals[0]}'`;
    throw new FlagError(`expected the scenario 'churn' or 'exactly-once', got ${got}`);
  }
  return {
    transactions: flags.int('transactions', 1, MAX),
    rate: flags.int('rate', 1, MAX),
    scorers: flags.int('scorers', 1, MAX),
    changes: flags.int('changes', 1, MAX),
    partitions: flags.int('partitions', 1, MAX),
    seed: flags.int('seed', 1, MAX),
  };
});

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
    ...options,
    settleMs: 120_000,
    log,
  });
  console.log(formatChurnReport(report));
  ok = report.missing === 0 && report.unexpectedExits.length === 0;
} finally {
  if (startedHere) await stopBroker(brokerConfig);
}
process.exit(ok ? 0 : 1);
