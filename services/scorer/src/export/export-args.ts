import { FlagError, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';

export interface ExportArgs {
  /** Directory of the simulator's file output (transactions, labels, truth). */
  readonly inDir: string;
  readonly outFile: string;
  readonly specPath: string;
}

export const EXPORT_COMMAND = {
  usage: 'tsx services/scorer/src/export/main.ts --in DIR --out FILE.csv [--spec PATH]',
  notes: 'Exit codes: 0 written, 1 the input or the spec is wrong, 2 a bad flag (BAD_FLAG).',
  flags: {
    in: { value: 'DIR', meaning: 'simulator file output: transactions, labels and truth as .ndjson or .csv' },
    out: {
      value: 'FILE',
      meaning: 'feature matrix to write (CSV: transaction_id, event_time, card_id, features..., is_fraud, scenario)',
    },
    spec: { value: 'PATH', meaning: 'feature spec (default: model/feature-spec.json of this repository)' },
  },
} as const satisfies CommandSpec<FlagTable>;

const DEFAULT_SPEC = new URL('../../../../model/feature-spec.json', import.meta.url).pathname;

/**
 * The command line as a frozen config. A bad, unknown or missing flag throws `FlagError` (BAD_FLAG) naming it;
 * `--help` / `-h` throws `HelpRequested`.
 */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const flags = parseFlags(EXPORT_COMMAND, argv);
  const inDir = flags.optional('in');
  if (inDir === undefined) throw new FlagError('--in DIR is required');
  const outFile = flags.optional('out');
  if (outFile === undefined) throw new FlagError('--out FILE is required');
  return Object.freeze({ inDir, outFile, specPath: flags.optional('spec') ?? DEFAULT_SPEC });
}
