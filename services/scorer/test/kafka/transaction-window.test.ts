import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutRecord } from '../../src/core/scoring/records.ts';
import { TransactionAborted, TransactionWindow, type TransactionPort } from '../../src/kafka/transaction-window.ts';

const rec = (topic: string): OutRecord => ({ topic, key: null, value: null, headers: [] });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Transactions that log what they do and fail where told. */
function fakeTransactions() {
  const log: string[] = [];
  const state = { failCommit: false, aborted: [] as unknown[] };
  let n = 0;
  const note = (line: string) => {
    log.push(line);
    return Promise.resolve();
  };
  const begin = (): Promise<TransactionPort> => {
    const id = ++n;
    log.push(`begin ${id}`);
    return Promise.resolve({
      send: (records) => note(`send ${id} ${records.map((r) => r.topic).join(',')}`),
      sendOffsets: (offsets) => note(`offsets ${id} ${offsets.map(([p, o]) => `${p}:${o}`).join(',')}`),
      commit: () => {
        if (state.failCommit) return Promise.reject(new Error('coordinator gone'));
        log.push(`commit ${id}`);
        return Promise.resolve();
      },
      abort: () => note(`abort ${id}`),
    });
  };
  return { log, state, begin };
}

function setup(maxRecords = 100) {
  const fake = fakeTransactions();
  const window = new TransactionWindow({
    intervalMs: 60_000,
    maxRecords,
    begin: fake.begin,
    onAborted: (e) => fake.state.aborted.push(e),
  });
  return { ...fake, window };
}

test("a window's chunks commit in one transaction with the highest offset of each partition", async () => {
  const { log, window } = setup();
  const a = window.add(0, 10n, 2, [rec('decisions'), rec('cards')]);
  const b = window.add(1, 5n, 1, [rec('decisions')]);
  const c = window.add(0, 12n, 2, []);
  await window.flush();
  await Promise.all([a, b, c]);
  assert.deepEqual(log, ['begin 1', 'send 1 decisions,cards,decisions', 'offsets 1 0:12,1:5', 'commit 1']);
});

test('a window commits by itself once it holds maxRecords input records; the next one fills meanwhile', async () => {
  const { log, window } = setup(3);
  const first = window.add(0, 2n, 2, [rec('d')]);
  window.add(0, 3n, 1, [rec('d')]).catch(() => {});
  const second = window.add(0, 4n, 1, [rec('e')]);
  await first;
  assert.equal(window.pending, 1);
  await window.flush();
  await second;
  assert.deepEqual(
    log.filter((l) => l.startsWith('offsets')),
    ['offsets 1 0:3', 'offsets 2 0:4'],
  );
});

test('a failed commit aborts the transaction, rejects its chunks and those after it, and tells the owner', async () => {
  const { log, state, window } = setup();
  state.failCommit = true;
  const a = window.add(0, 1n, 1, [rec('d')]);
  const flushing = window.flush();
  const later = window.add(0, 2n, 1, [rec('d')]);
  await flushing;
  await assert.rejects(a, /coordinator gone/);
  await assert.rejects(later, /earlier transaction was aborted/);
  assert.ok(log.includes('abort 1'));
  assert.equal(state.aborted.length, 1);
  state.failCommit = false;
  const next = window.add(0, 1n, 1, [rec('d')]);
  await window.flush();
  await next;
  await tick();
  assert.equal(log.at(-1), 'commit 2', 'the next window starts afresh');
});

test('offsets commit under the generation their chunks were fetched in; a chunk of another generation starts a new transaction', async () => {
  const generations: unknown[] = [];
  const window = new TransactionWindow({
    intervalMs: 60_000,
    maxRecords: 100,
    begin: () =>
      Promise.resolve({
        send: () => Promise.resolve(),
        sendOffsets: (_offsets, generation) => {
          generations.push(generation);
          return Promise.resolve();
        },
        commit: () => Promise.resolve(),
        abort: () => Promise.resolve(),
      }),
    onAborted: () => {},
  });
  const g7 = { generationId: 7, memberId: 'm' };
  const g8 = { generationId: 8, memberId: 'm' };
  const late = window.add(0, 5n, 1, [], g7);
  const next = window.add(1, 9n, 1, [], g8);
  await window.flush();
  await Promise.all([late, next]);
  assert.deepEqual(generations, [g7, g8]);
});

test('a closed window drops what it holds and refuses every later chunk: no transaction is begun on the way out', async () => {
  const { log, window } = setup();
  const held = window.add(0, 3n, 1, [rec('decisions')]);
  const stop = new Error('fenced twice');
  window.close(stop);
  const closed = (e: unknown) => e instanceof TransactionAborted && e.cause === stop;
  await assert.rejects(held, closed);
  await assert.rejects(window.add(0, 4n, 1, [rec('decisions')]), closed);
  await window.flush();
  assert.deepEqual(log, []);
});
