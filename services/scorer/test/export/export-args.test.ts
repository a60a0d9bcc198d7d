import assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { test } from 'node:test';
import { FlagError, HelpRequested, helpText } from '../../../cli/src/flags.ts';
import { EXPORT_COMMAND, parseExportArgs } from '../../src/export/export-args.ts';

test('--in and --out are read in both spellings; --spec defaults to the repository feature spec', () => {
  const args = parseExportArgs(['--in', 'data/sim', '--out=features.csv']);
  assert.equal(args.inDir, 'data/sim');
  assert.equal(args.outFile, 'features.csv');
  assert.ok(isAbsolute(args.specPath) && args.specPath.endsWith('/model/feature-spec.json'), args.specPath);
  assert.ok(Object.isFrozen(args));
  assert.equal(parseExportArgs(['--in', 'd', '--out', 'f', '--spec', 'my-spec.json']).specPath, 'my-spec.json');
});

test('a missing, unknown, repeated or valueless flag is a FlagError (BAD_FLAG) naming it', () => {
  for (const [argv, pattern] of [
    [['--out', 'f'], /^--in DIR is required$/],
    [['--in', 'd'], /^--out FILE is required$/],
    [['--in', '', '--out', 'f'], /^--in DIR is required$/],
    [['--in', 'd', '--out', 'f', '--format', 'csv'], /'--format'/],
    [['--in', 'd', '--in', 'e', '--out', 'f'], /^--in is given twice$/],
    [['--in', 'd', '--out'], /'--out <value>'/],
    [['--in', 'd', '--out', 'f', 'extra'], /'extra'/],
  ] as const) {
    assert.throws(
      () => parseExportArgs(argv),
      (error: unknown) => error instanceof FlagError && error.code === 'BAD_FLAG' && pattern.test(error.message),
      argv.join(' '),
    );
  }
});

test('--help and -h ask for the generated usage', () => {
  for (const flag of ['--help', '-h']) {
    assert.throws(
      () => parseExportArgs([flag]),
      (error: unknown) => error instanceof HelpRequested && error.text === helpText(EXPORT_COMMAND),
    );
  }
  assert.match(helpText(EXPORT_COMMAND), /\n {2}--in DIR +- +simulator file output/);
});
