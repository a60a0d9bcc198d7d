import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCORER_NODE_FLAGS } from '../src/runtime-flags.ts';

test('the scorer npm script starts Node with the scorer runtime flags', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts['scorer']!.split(/\s+/);
  assert.equal(words[0], 'node');
  for (const flag of SCORER_NODE_FLAGS) assert.ok(words.includes(flag), `${flag} missing from npm run scorer`);
});
