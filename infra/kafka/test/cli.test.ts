import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const cli = resolve(import.meta.dirname, '..', 'cli.ts');

function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

test('start on a taken port fails with one line naming the port and the setting', async (t) => {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const stateDir = mkdtempSync(join(tmpdir(), 'kafka-cli-'));
  const out = runCli(['start'], {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: '1',
    KAFKA_STATE_DIR: stateDir,
  });
  // KAFKA_CONTROLLER_PORT=1 is out of range: configuration is checked before anything else.
  assert.equal(out.code, 1);
  assert.match(out.stderr, /KAFKA_CONTROLLER_PORT=1/);
  const taken = runCli(['start'], { ...process.env, KAFKA_PORT: String(port), KAFKA_STATE_DIR: stateDir });
  assert.equal(taken.code, 1);
  assert.equal(taken.stderr.split('\n').length, 1, taken.stderr);
  assert.match(taken.stderr, new RegExp(`PORT_TAKEN.*port ${port} .*KAFKA_PORT`));
});

test('start without java on PATH fails with one line saying so', () => {
  const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  const stateDir = mkdtempSync(join(tmpdir(), 'kafka-cli-'));
  const out = runCli(['start'], { ...process.env, PATH: bin, KAFKA_PORT: '29992', KAFKA_STATE_DIR: stateDir });
  assert.equal(out.code, 1);
  assert.equal(out.stderr.split('\n').length, 1, out.stderr);
  assert.match(out.stderr, /JAVA_MISSING.*java not found/);
});

test('an unknown command prints the usage and exits 2', () => {
  const out = runCli(['explode'], process.env);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /usage: npm run kafka/);
});
