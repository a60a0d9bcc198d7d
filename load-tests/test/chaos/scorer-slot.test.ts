import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScorerSlot } from '../../src/chaos/scorer-slot.ts';
import { StartGate } from '../../src/chaos/start-gate.ts';
import { ChildService } from '../../src/processes/child-service.ts';

/** A slot over the fake scorer; `args(start)` gives the n-th start's extra arguments. */
function fakeSlot(t: TestContext, args: (start: number) => string[] = () => []) {
  const dir = mkdtempSync(join(tmpdir(), 'slot-test-'));
  const launched: { instanceId: string; service: ChildService }[] = [];
  const unexpected: string[] = [];
  const slot = new ScorerSlot(
    's1',
    'run-s1',
    async (name, instanceId) => {
      const service = new ChildService({
        name,
        script: 'load-tests/test/chaos/fixtures/fake-scorer.ts',
        args: ['--instance-id', instanceId, ...args(launched.length)],
        logFile: join(dir, `${name}.log`),
      });
      launched.push({ instanceId, service });
      await service.waitForLine(/^ready /, 20_000);
      return { service, url: '' };
    },
    new StartGate(),
    { log: () => {}, unexpected: (what) => unexpected.push(what) },
  );
  t.after(async () => {
    slot.abort();
    await Promise.all(launched.map((l) => l.service.exited));
    rmSync(dir, { recursive: true, force: true });
  });
  return { slot, launched, unexpected };
}

test('a killed slot comes back as a new process under the same instance id, and the kill is not reported', async (t) => {
  const { slot, launched, unexpected } = fakeSlot(t);
  await slot.start();
  const first = launched[0]!.service;
  const back = await slot.kill(50);
  assert.ok(back >= 50);
  assert.equal(await first.exited, 128, 'SIGKILLed');
  assert.equal(launched.length, 2);
  assert.deepEqual(
    launched.map((l) => l.instanceId),
    ['run-s1', 'run-s1'],
  );
  assert.notEqual(slot.pid, first.pid);
  assert.equal(slot.starts, 2);
  assert.deepEqual(unexpected, []);
});

test('an exit the slot did not ask for is reported, and the slot starts a new process', async (t) => {
  const { slot, launched, unexpected } = fakeSlot(t, (n) => (n === 0 ? ['--exit-after', '100'] : []));
  await slot.start();
  const deadline = Date.now() + 20_000;
  while (slot.starts < 2 && Date.now() < deadline) await sleep(50);
  assert.equal(slot.starts, 2);
  assert.equal(launched[1]!.service.running, true);
  assert.equal(unexpected.length, 1);
  assert.match(unexpected[0]!, /s1: exited by itself with code 3/);
});

test('a rolling restart stops the process with SIGTERM and reports an unclean exit', async (t) => {
  const { slot, launched, unexpected } = fakeSlot(t, (n) => (n === 0 ? ['--term-code', '1'] : []));
  await slot.start();
  await slot.restart();
  assert.equal(await launched[0]!.service.exited, 1);
  assert.equal(launched.length, 2);
  assert.equal(unexpected.length, 1);
  assert.match(unexpected[0]!, /exited with code 1 after SIGTERM of a rolling restart/);
  await slot.stop();
  assert.equal(await launched[1]!.service.exited, 0);
  assert.equal(unexpected.length, 1, 'a clean final stop is not reported');
});
