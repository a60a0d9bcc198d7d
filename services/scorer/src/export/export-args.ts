import { parseArgs } from 'node:util';
import { ExportError } from '../errors.ts';

export interface ExportArgs {
  readonly command: 'export' | 'help';
  /** Directory of the simulator's file output (transactions, labels, truth). */
  readonly inDir: string;
  readonly outFile: string;
  readonly specPath: string;
}

export const USAGE = `usage: tsx services/scorer/src/export/main.ts --in DIR --out FILE.csv [--spec PATH]
  --in DIR      simulator file output: transactions, labels and truth as .ndjson or .csv
  --out FILE    feature matrix to write (CSV: transaction_id, event_time, card_id, features..., is_fraud, scenario)
  --spec PATH   feature spec (default model/feature-spec.json of this repository)`;

const DEFAULT_SPEC = new URL('../../../../model/feature-spec.json', import.meta.url).pathname;

/** The command line as a frozen config; throws `BAD_ARGS` naming the bad or missing flag. */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  let values: {
    in?: string | undefined;
    out?: string | undefined;
    spec?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        spec: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ExportError('BAD_ARGS', error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (values.help) return Object.freeze({ command: 'help', inDir: '', outFile: '', specPath: DEFAULT_SPEC });
  if (!values.in) throw new ExportError('BAD_ARGS', '--in DIR is required');
  if (!values.out) throw new ExportError('BAD_ARGS', '--out FILE is required');
  return Object.freeze({
    command: 'export',
    inDir: values.in,
    outFile: values.out,
    specPath: values.spec ?? DEFAULT_SPEC,
  });
}
