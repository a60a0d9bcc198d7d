export type PassThroughClient = 'platformatic' | 'kafkajs';

export interface PassThroughConfig {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly input: string;
  readonly output: string;
  /** The Kafka client it runs on: the scorer's (platformatic, the default) or kafkajs, the one it replaced. */
  readonly client: PassThroughClient;
  /** kafkajs only: partitions worked on at once (the platformatic member works on every fetched partition). */
  readonly partitionsConcurrently: number;
}

const FLAGS = ['--brokers', '--group-id', '--input', '--output', '--client', '--partitions-concurrently'] as const;
const CLIENTS: readonly PassThroughClient[] = ['platformatic', 'kafkajs'];

/** `--flag value` pairs; --client (default platformatic) and --partitions-concurrently (default 6) are optional. */
export function loadPassThroughConfig(argv: readonly string[]): PassThroughConfig {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!(FLAGS as readonly string[]).includes(flag)) throw new Error(`unknown flag ${flag}`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    values.set(flag, value);
  }
  const required = (flag: string): string => {
    const value = values.get(flag);
    if (value === undefined || value === '') throw new Error(`${flag} is required`);
    return value;
  };
  const client = values.get('--client') ?? 'platformatic';
  if (!(CLIENTS as readonly string[]).includes(client)) throw new Error(`--client must be ${CLIENTS.join(' or ')}`);
  const concurrency = Number(values.get('--partitions-concurrently') ?? '6');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--partitions-concurrently must be >= 1');
  return Object.freeze({
    brokers: Object.freeze(required('--brokers').split(',')),
    groupId: required('--group-id'),
    input: required('--input'),
    output: required('--output'),
    client: client as PassThroughClient,
    partitionsConcurrently: concurrency,
  });
}
