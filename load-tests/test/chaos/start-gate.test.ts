import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { StartGate } from '../../src/chaos/start-gate.ts';

test('starts run at once while the gate is open', async () => {
  const gate = new StartGate();
  assert.equal(await gate.run(() => Promise.resolve(7)), 7);
});

test('closing the gate waits for the starts under way, and starts asked meanwhile wait until it reopens', async () => {
  const gate = new StartGate();
  const order: string[] = [];
  let finishFirst!: () => void;
  const first = gate.run(async () => {
    order.push('first begins');
    await new Promise<void>((resolve) => (finishFirst = resolve));
    order.push('first ready');
  });
  await setImmediate();
  const closed = gate.close().then(() => order.push('closed'));
  const second = gate.run(async () => {
    order.push('second begins');
    await Promise.resolve();
  });
  await setImmediate();
  assert.deepEqual(order, ['first begins'], 'the close waits for the first start; the second waits for the gate');
  finishFirst();
  await first;
  await closed;
  await setImmediate();
  assert.deepEqual(order, ['first begins', 'first ready', 'closed']);
  assert.equal(gate.open, false);
  gate.reopen();
  await second;
  assert.deepEqual(order, ['first begins', 'first ready', 'closed', 'second begins']);
});

test('a start that fails still lets a waiting close go on', async () => {
  const gate = new StartGate();
  const failing = gate.run(() => Promise.reject(new Error('no broker')));
  const closed = gate.close();
  await assert.rejects(failing, /no broker/);
  await closed;
  gate.reopen();
  assert.equal(gate.open, true);
});
