import { parseArgs } from 'node:util';

/**
 * One command-line flag, as its `--help` line shows it: the table is both the parser's option list and the
 * documentation, so the two cannot drift apart. Keyed by the flag's name without the leading `--`.
 */
export interface FlagSpec {
  /** What it sets, one line. */
  readonly meaning: string;
  /** The value's placeholder in `--help` (`N`, `PATH`, `10s`); a flag without one is a switch (no value). */
  readonly value?: string;
  /** The environment variable that sets it too; the flag wins over the variable, which wins over the default. */
  readonly env?: string;
  /** The default as text, as `--help` shows it and as the readers parse it; absent: none. */
  readonly default?: string;
  /** A heading of flags that belong together in `--help` (printed when it changes from one flag to the next). */
  readonly group?: string;
  /** Never echoed, not even in an error (a password). */
  readonly secret?: boolean;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** The exit code of every command given a bad flag or variable (`BAD_FLAG`). */
export const BAD_FLAG_EXIT_CODE = 2;

/** A flag, an environment variable or a positional argument that is unknown, missing or invalid. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
  readonly code = 'BAD_FLAG';
  readonly retryable = false;
}

/** Thrown for `--help` / `-h`: print `text` and exit 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor(readonly text: string) {
    super('help requested');
  }
}

export interface CommandSpec<T extends FlagTable> {
  /** `npm run scorer -- [flags]`: the first line of `--help`. */
  readonly usage: string;
  /** Lines after the flag table (positional arguments, exit codes). */
  readonly notes?: string;
  readonly flags: T;
  /** How many positional arguments are allowed (none by default). */
  readonly positionals?: { readonly min: number; readonly max: number };
}

/** The `--help` text: usage, then one line per flag (flag, variable, default, meaning), then the notes. */
export function helpText<T extends FlagTable>(command: CommandSpec<T>): string {
  const hasEnv = Object.values(command.flags).some((f) => f.env !== undefined);
  const rows = Object.entries(command.flags).map(([name, f]) => [
    `--${name}${f.value === undefined ? '' : ` ${f.value}`}`,
    ...(hasEnv ? [f.env ?? '-'] : []),
    f.default === undefined || f.default === '' ? '-' : f.default,
    f.meaning,
  ]);
  const header = ['flag', ...(hasEnv ? ['variable'] : []), 'default', 'meaning'];
  const widths = header.slice(0, -1).map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, c) => (c < widths.length ? cell.padEnd(widths[c]!) : cell)).join('  ')}`.trimEnd();
  const out = [`usage: ${command.usage}`, '', line(header)];
  let group: string | undefined;
  for (const [i, f] of Object.values(command.flags).entries()) {
    if (f.group !== undefined && f.group !== group) out.push(`${f.group}:`);
    group = f.group;
    out.push(line(rows[i]!));
  }
  if (command.notes !== undefined) out.push('', command.notes);
  return `${out.join('\n')}\n`;
}

/**
 * Reads `argv` with `util.parseArgs` (strict: an unknown flag, a missing value or a flag given twice is a
 * `FlagError`), and each flag's value from the command line, else its environment variable, else its default.
 * `--help` / `-h` throws `HelpRequested` with the generated text.
 */
export function parseFlags<T extends FlagTable>(
  command: CommandSpec<T>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Flags<Extract<keyof T, string>> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, f] of Object.entries(command.flags))
    options[name] = { type: f.value === undefined ? 'boolean' : 'string' };
  options['help'] = { type: 'boolean', short: 'h' };
  const { min = 0, max = 0 } = command.positionals ?? {};
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: max > 0, tokens: true });
  } catch (error) {
    throw new FlagError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (parsed.values['help'] === true) throw new HelpRequested(helpText(command));
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new FlagError(`--${token.name} is given twice`);
    seen.add(token.name);
  }
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new FlagError(
      max === 0
        ? `unexpected argument '${parsed.positionals[0]}'`
        : `expected ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${parsed.positionals.length}`,
    );
  }
  return new Flags(command.flags, parsed.values, env, parsed.positionals);
}

/** The given flags, with readers that validate a value and name the flag (and its variable) when it is wrong. */
export class Flags<K extends string> {
  readonly #table: FlagTable;
  readonly #values: Readonly<Record<string, string | boolean | undefined>>;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly positionals: readonly string[];

  constructor(
    table: FlagTable,
    values: Readonly<Record<string, string | boolean | undefined>>,
    env: Readonly<Record<string, string | undefined>>,
    positionals: readonly string[],
  ) {
    this.#table = table;
    this.#values = values;
    this.#env = env;
    this.positionals = positionals;
  }

  /** Whether the flag is on the command line (a switch: whether it is set). */
  given(name: K): boolean {
    return this.#values[name] !== undefined && this.#values[name] !== false;
  }

  /** The flag's text: the command line's, else its variable's (when not empty), else its default, else ''. */
  text(name: K): string {
    const given = this.#values[name];
    if (typeof given === 'string') return given.trim();
    const spec = this.#spec(name);
    const fromEnv = spec.env === undefined ? undefined : this.#env[spec.env];
    return (fromEnv !== undefined && fromEnv !== '' ? fromEnv : (spec.default ?? '')).trim();
  }

  /** The flag's text, or undefined when neither the command line, the variable nor a default gives one. */
  optional(name: K): string | undefined {
    const raw = this.text(name);
    return raw === '' ? undefined : raw;
  }

  switch(name: K): boolean {
    return this.#values[name] === true;
  }

  /** A whole number from `min` to `max` (`_` allowed as a digit separator: 300_000). */
  int(name: K, min: number, max: number): number {
    const raw = this.text(name);
    const n = Number(raw.replaceAll('_', ''));
    if (!/^\d[\d_]*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(name, `a whole number ${range(min, max)}`);
    }
    return n;
  }

  number(name: K, min: number, max: number): number {
    const raw = this.text(name);
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n) || n < min || n > max) this.fail(name, `a number ${range(min, max)}`);
    return n;
  }

  oneOf<T extends string>(name: K, allowed: readonly T[]): T {
    const raw = this.text(name);
    if (!(allowed as readonly string[]).includes(raw)) this.fail(name, allowed.join(' | '));
    return raw as T;
  }

  /** A duration such as 500ms, 20s, 5m or 1h (a bare number is seconds), in milliseconds, from `min` to `max`. */
  duration(name: K, min: number, max: number): number {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(this.text(name));
    const ms = match ? Number(match[1]) * DURATION_UNITS[match[2] ?? 's']! : NaN;
    if (!(ms >= min && ms <= max)) {
      const bounds = max === Infinity ? `of at least ${showMs(min)}` : `from ${showMs(min)} to ${showMs(max)}`;
      this.fail(name, `a duration such as 500ms, 20s, 5m or 1h, ${bounds}`);
    }
    return ms;
  }

  /** Comma-separated, each item trimmed; empty items are an error. */
  list(name: K): string[] {
    const items = this.text(name)
      .split(',')
      .map((s) => s.trim());
    if (items.some((s) => s === '')) this.fail(name, 'a comma-separated list');
    return items;
  }

  /** Bootstrap servers: host:port[,host:port...]. */
  brokers(name: K): string[] {
    const list = this.list(name);
    if (!list.every((b) => /^[^\s:,]+:\d{1,5}$/.test(b))) this.fail(name, 'host:port[,host:port...]');
    return list;
  }

  /** A Kafka topic, group or client id: letters, digits, `.`, `_` and `-`, at most 249. */
  kafkaName(name: K): string {
    const raw = this.text(name);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(raw)) this.fail(name, 'a Kafka name of letters, digits, . _ -');
    return raw;
  }

  /** Throws the `FlagError` of a bad value of `name`: which flag (and variable), the value, what was expected. */
  fail(name: K, expected: string): never {
    const spec = this.#spec(name);
    const where = spec.env === undefined || this.#values[name] !== undefined ? `--${name}` : `--${name} / ${spec.env}`;
    const shown = spec.secret === true ? '' : ` = '${this.text(name)}'`;
    throw new FlagError(`${where}${shown} is invalid: expected ${expected}`);
  }

  #spec(name: K): FlagSpec {
    const spec = this.#table[name];
    if (spec === undefined) throw new Error(`no flag --${name} in the table`);
    return spec;
  }
}

/** "from 1 to 10", or "of at least 1" when there is no upper bound to speak of. */
function range(min: number, max: number): string {
  return max >= Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function showMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * What every command does with its flags: `--help` prints the text and exits 0; a `FlagError` prints
 * `<program>: BAD_FLAG: <message> (see --help)` and exits 2. Anything else is not a flag's fault: rethrown.
 */
export function flagsOrExit<T>(program: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(error.text);
      process.exit(0);
    }
    if (error instanceof FlagError) {
      process.stderr.write(`${program}: ${error.code}: ${error.message} (see --help)\n`);
      process.exit(BAD_FLAG_EXIT_CODE);
    }
    throw error;
  }
}
