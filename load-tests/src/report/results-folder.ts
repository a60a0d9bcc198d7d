import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<root>/<UTC timestamp>/`, e.g. `load-tests/results/2026-11-22T18-30-05Z`. */
export function createResultsDir(root: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  const dir = join(root, stamp);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes one file of the results folder and returns its name, for the summary's file list. */
export function writeResult(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}
