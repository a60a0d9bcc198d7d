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

export const DEMO_USAGE = `usage: npm run demo -- [--duration 60s|5m] [--rate 1000] [--http-port 8787] [--scenarios full|baseline] [--seed N] [--customers 1000] [--warmup-days 14] [--keep-broker]`;

export class DemoFlagError extends Error {
  override readonly name = 'DemoFlagError';
}

function duration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : NaN;
  if (!(ms > 0)) throw new DemoFlagError(`--duration '${raw}' must be a duration such as 60s, 5m or 1h`);
  return ms;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new DemoFlagError(`${flag} '${raw}' must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const options = {
    durationMs: Infinity,
    rate: 1000,
    httpPort: 8787,
    scenarios: 'full',
    seed: 42,
    customers: 1000,
    warmupDays: 14,
    keepBroker: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (flag === '--keep-broker') {
      options.keepBroker = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new DemoFlagError(`${flag} needs a value`);
    switch (flag) {
      case '--duration':
        options.durationMs = duration(value);
        break;
      case '--rate':
        options.rate = wholeNumber(flag, value, 1, 100_000);
        break;
      case '--http-port':
        options.httpPort = wholeNumber(flag, value, 1, 65_535);
        break;
      case '--scenarios':
        if (value !== 'full' && value !== 'baseline')
          throw new DemoFlagError(`--scenarios '${value}' must be full or baseline`);
        options.scenarios = value;
        break;
      case '--customers':
        options.customers = wholeNumber(flag, value, 10, 5_000_000);
        break;
      case '--warmup-days':
        options.warmupDays = wholeNumber(flag, value, 0, 365);
        break;
      case '--seed':
        options.seed = wholeNumber(flag, value, 0, 2 ** 31);
        break;
      default:
        throw new DemoFlagError(`unknown option '${flag}'`);
    }
  }
  return Object.freeze(options);
}
