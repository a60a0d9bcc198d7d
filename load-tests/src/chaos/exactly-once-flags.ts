import { parseArgs } from 'node:util';
import { BenchError } from '../errors.ts';
import type { Delivery } from './exactly-once-report.ts';

export const EXACTLY_ONCE_USAGE = `usage: npm run chaos -- exactly-once [flags]
  --transactions N      transactions sent (default 200000)
  --rate N              transactions per second (default 1000)
  --scorers N           scorer instances in the group (default 3)
  --kills N             SIGKILLs of random live instances, each restarted under its instance id (default 20)
  --broker-restarts N   SIGKILLs of the broker, each restarted after 10 s (default 1)
  --rolling true|false  one rolling restart: SIGTERM each instance in turn, wait until it is ready (default true)
  --delivery MODE       exactly-once | at-least-once, for the chaos run and the reference (default exactly-once)
  --partitions N        partitions of the input topic (default 6)
  --seed N              the transactions, the fault moments and the victims (default 42)
Starts a broker of its own on KAFKA_PORT (default 19092) with its storage in a temporary folder, since it kills
it; with KAFKA_BROKERS set it uses those brokers and needs --broker-restarts 0.
Exit code 0 only if every transaction was decided, no scorer stopped by itself, every fault was carried out
and, in exactly-once, no decision was duplicated and every one equals the uninterrupted reference's.`;

export interface ExactlyOnceFlags {
  readonly transactions: number;
  readonly rate: number;
  readonly scorers: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly rolling: boolean;
  readonly delivery: Delivery;
  readonly partitions: number;
  readonly seed: number;
}

/** `--help` was asked for: print the usage and exit 0. */
export const HELP = 'help';

/** The scenario's flags (after `exactly-once`); a bad one is a BAD_FLAG naming it. */
export function parseExactlyOnceFlags(argv: readonly string[]): ExactlyOnceFlags | typeof HELP {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        transactions: { type: 'string' },
        rate: { type: 'string' },
        scorers: { type: 'string' },
        kills: { type: 'string' },
        'broker-restarts': { type: 'string' },
        rolling: { type: 'string' },
        delivery: { type: 'string' },
        partitions: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new BenchError('BAD_FLAG', error instanceof Error ? error.message : String(error));
  }
  if (values.help) return HELP;
  const whole = (name: keyof typeof values, fallback: number, min: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || !Number.isSafeInteger(value)) {
      throw new BenchError('BAD_FLAG', `--${name} must be a whole number of at least ${min}, got '${String(raw)}'`);
    }
    return value;
  };
  const rolling = values.rolling ?? 'true';
  if (rolling !== 'true' && rolling !== 'false') {
    throw new BenchError('BAD_FLAG', `--rolling must be true or false, got '${rolling}'`);
  }
  const delivery = values.delivery ?? 'exactly-once';
  if (delivery !== 'exactly-once' && delivery !== 'at-least-once') {
    throw new BenchError('BAD_FLAG', `--delivery must be exactly-once or at-least-once, got '${delivery}'`);
  }
  // 1000/s makes 200,000 a 200 s stream: a killed instance is back only after its old member's session has
  // timed out (10 s and more), so 20 kills, a broker outage and a rolling restart need that long to land while
  // transactions still come (at 1500/s a third of the kills fell after the last send).
  return {
    transactions: whole('transactions', 200_000, 1),
    rate: whole('rate', 1000, 1),
    scorers: whole('scorers', 3, 1),
    kills: whole('kills', 20, 0),
    brokerRestarts: whole('broker-restarts', 1, 0),
    rolling: rolling === 'true',
    delivery,
    partitions: whole('partitions', 6, 1),
    seed: whole('seed', 42, 0),
  };
}
