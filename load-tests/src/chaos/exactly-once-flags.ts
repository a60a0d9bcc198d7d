import { parseFlags } from '../../../services/cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../services/cli/src/flags.ts';
import type { Delivery } from './exactly-once-report.ts';

// 1000/s makes 200,000 a 200 s stream: a killed instance is back only after its old member's session has
// timed out (10 s and more), so 20 kills, a broker outage and a rolling restart need that long to land while
// transactions still come (at 1500/s a third of the kills fell after the last send).
export const EXACTLY_ONCE_COMMAND = {
  usage: 'npm run chaos -- exactly-once [flags]',
  notes:
    'Starts a broker of its own on KAFKA_PORT (default 19092) with its storage in a temporary folder, since it kills\n' +
    'it; with KAFKA_BROKERS set it uses those brokers and needs --broker-restarts 0.\n' +
    'Exit code 0 only if every transaction was decided, no scorer stopped by itself, every fault was carried out\n' +
    "and, in exactly-once, no decision was duplicated and every one equals the uninterrupted reference's;\n" +
    '2 a bad flag (BAD_FLAG).',
  flags: {
    transactions: { value: 'N', default: '200000', meaning: 'transactions sent' },
    rate: { value: 'N', default: '1000', meaning: 'transactions per second' },
    scorers: { value: 'N', default: '3', meaning: 'scorer instances in the group' },
    kills: {
      value: 'N',
      default: '20',
      meaning: 'SIGKILLs of random live instances, each restarted under its instance id',
    },
    'broker-restarts': { value: 'N', default: '1', meaning: 'SIGKILLs of the broker, each restarted after 10 s' },
    freezes: {
      value: 'N',
      default: '1',
      meaning: 'SIGSTOPs of a live instance for 25 s (past its session and transaction timeouts), then SIGCONT',
    },
    rolling: {
      value: 'true|false',
      default: 'true',
      meaning: 'one rolling restart: SIGTERM each instance in turn, wait until it is ready',
    },
    delivery: {
      value: 'MODE',
      default: 'exactly-once',
      meaning: 'exactly-once | at-least-once, for the chaos run and the reference',
    },
    partitions: { value: 'N', default: '6', meaning: 'partitions of the input topic' },
    seed: { value: 'N', default: '42', meaning: 'the transactions, the fault moments and the victims' },
  },
} as const satisfies CommandSpec<FlagTable>;

export interface ExactlyOnceFlags {
  readonly transactions: number;
  readonly rate: number;
  readonly scorers: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly rolling: boolean;
  readonly freezes: number;
  readonly delivery: Delivery;
  readonly partitions: number;
  readonly seed: number;
}

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * The scenario's flags (after `exactly-once`): a bad one throws `FlagError` (BAD_FLAG) naming it, `--help`
 * throws `HelpRequested`. With `KAFKA_BROKERS` set the broker cannot be killed, so `--broker-restarts` must be 0.
 */
export function parseExactlyOnceFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ExactlyOnceFlags {
  const flags = parseFlags(EXACTLY_ONCE_COMMAND, argv, env);
  const parsed: ExactlyOnceFlags = {
    transactions: flags.int('transactions', 1, MAX),
    rate: flags.int('rate', 1, MAX),
    scorers: flags.int('scorers', 1, MAX),
    kills: flags.int('kills', 0, MAX),
    brokerRestarts: flags.int('broker-restarts', 0, MAX),
    rolling: flags.oneOf('rolling', ['true', 'false']) === 'true',
    freezes: flags.int('freezes', 0, MAX),
    delivery: flags.oneOf('delivery', ['exactly-once', 'at-least-once'] as const),
    partitions: flags.int('partitions', 1, MAX),
    seed: flags.int('seed', 0, MAX),
  };
  if (env['KAFKA_BROKERS'] !== undefined && parsed.brokerRestarts > 0) {
    flags.fail(
      'broker-restarts',
      '0 with KAFKA_BROKERS set (exactly-once kills the broker, so it starts one of its own: unset KAFKA_BROKERS or pass --broker-restarts 0)',
    );
  }
  return parsed;
}
