import { parseFlags } from '../../services/cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../services/cli/src/flags.ts';

export interface DemoOptions {
  /** Wall-clock run time; Infinity runs until Ctrl-C. */
  readonly durationMs: number;
  readonly rate: number;
  readonly httpPort: number;
  readonly scenarios: string;
  readonly seed: number;
  /** Simulated customers (terminals: twice as many, the Handbook's density). */
  readonly customers: number;
  /** Simulated days at the start whose decisions are left out of the detection figures (cold card state). */
  readonly warmupDays: number;
  /** Leave a broker this demo started running at the end (for poking at the topics afterwards). */
  readonly keepBroker: boolean;
}

export const DEMO_COMMAND = {
  usage: 'npm run demo -- [flags]',
  notes: 'Exit codes: 0 done, 1 failed, 2 a bad flag (BAD_FLAG).',
  flags: {
    duration: { value: '60s|5m', meaning: 'wall-clock run time (default: until Ctrl-C)' },
    rate: { value: 'N', default: '1000', meaning: 'transactions per second (1 to 100000)' },
    'http-port': { value: 'N', default: '8787', meaning: "the scorer's HTTP port: dashboard, metrics, /readyz" },
    scenarios: { value: 'full|baseline', default: 'full', meaning: "the simulator's scenario mix" },
    seed: { value: 'N', default: '42', meaning: "the simulation's seed (0 to 2147483648)" },
    customers: {
      value: 'N',
      default: '1000',
      meaning: 'simulated customers, 10 to 5000000 (terminals: twice as many)',
    },
    'warmup-days': {
      value: 'N',
      default: '14',
      meaning: 'simulated days at the start not counted in the detection figures (cold card state)',
    },
    'keep-broker': { meaning: 'leave a broker this demo started running at the end' },
  },
} as const satisfies CommandSpec<FlagTable>;

/** The demo's flags; a bad one throws `FlagError` (BAD_FLAG) naming it, `--help` throws `HelpRequested`. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const flags = parseFlags(DEMO_COMMAND, argv);
  return Object.freeze({
    durationMs: flags.given('duration') ? flags.duration('duration', 1, Infinity) : Infinity,
    rate: flags.int('rate', 1, 100_000),
    httpPort: flags.int('http-port', 1, 65_535),
    scenarios: flags.oneOf('scenarios', ['full', 'baseline']),
    seed: flags.int('seed', 0, 2 ** 31),
    customers: flags.int('customers', 10, 5_000_000),
    warmupDays: flags.int('warmup-days', 0, 365),
    keepBroker: flags.switch('keep-broker'),
  });
}
