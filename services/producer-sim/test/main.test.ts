import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('a bad flag stops the CLI with exit code 2 and one line naming the flag', () => {
  const run = cli(['--out', 'file', '--rate', 'fast']);
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.equal(
    run.stderr,
    "producer-sim: BAD_FLAG: --rate = 'fast' is invalid: expected a number of at least 0.001 (see --help)\n",
  );
});

test('--help prints the flag table on stdout and exits 0', () => {
  const run = cli(['--help']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^usage: tsx services\/producer-sim\/src\/main\.ts \[flags\]/);
  assert.match(run.stdout, /\n {2}--out file\|kafka\|null +- +file +where the stream goes/);
  assert.equal(run.stderr, '');
});

test('a small file run writes the three files and a manifest and logs JSON lines', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'producer-sim-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const run = cli(['--dir', dir, '--customers', '200', '--terminals', '400', '--days', '2', '--format', 'csv']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual((await readdir(dir)).sort(), ['labels.csv', 'manifest.json', 'transactions.csv', 'truth.csv']);
  const logs = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; transactions?: number });
  assert.equal(logs.at(-1)?.msg, 'run finished');
  assert.ok((logs.at(-1)?.transactions ?? 0) > 500);
});
