import { performance } from 'node:perf_hooks';
import { flagsOrExit } from '../../../cli/src/flags.ts';
import { ExportError, FeatureError } from '../errors.ts';
import { parseExportArgs } from './export-args.ts';
import { exportFeatures } from './export-features.ts';
import { readFeatureSpec } from './read-feature-spec.ts';
import { locateSimFiles } from './sim-files.ts';

/** Feature export for training: `tsx services/scorer/src/export/main.ts --in DIR --out FILE.csv`. */
async function main(): Promise<number> {
  const started = performance.now();
  // --help exits 0, a bad flag 2 (BAD_FLAG).
  const args = flagsOrExit('feature export', () => parseExportArgs(process.argv.slice(2)));
  try {
    const spec = await readFeatureSpec(args.specPath);
    const files = await locateSimFiles(args.inDir);
    const counts = await exportFeatures(files, args.outFile, spec);
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `${JSON.stringify({ out: args.outFile, specVersion: spec.version, ...counts, seconds: Math.round(seconds * 10) / 10 })}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ExportError || error instanceof FeatureError) {
      process.stderr.write(`feature export: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
