import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { InRecord, Outcome, OutRecord } from '../../src/core/scoring/records.ts';
import type { BatchControl, CommitOutcome, GroupHandlers, GroupMember } from '../../src/kafka/group-member.ts';
import { TransactionSource, type SourceOptions } from '../../src/kafka/transaction-source.ts';
import { TransactionWindow } from '../../src/kafka/transaction-window.ts';
import { noopMetrics, type CommitResult } from '../../src/metrics/scorer-metrics.ts';

/** A group member driven by the test: it delivers batches and rebalances when told, and records commits. */
class FakeMember implements GroupMember {
  handlers!: GroupHandlers;
  readonly commits: [number, bigint][][] = [];
  commitResult: CommitOutcome = 'ok';
  closed = false;
  heartbeatError: Error | undefined;

  run(handlers: GroupHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }
  commit(offsets: readonly (readonly [number, bigint])[]): Promise<CommitOutcome> {
    this.commits.push(offsets.map(([p, o]) => [p, o]));
    return Promise.resolve(this.commitResult);
  }
  pause(): void {}
  rewinds = 0;
  rewind(): void {
    this.rewinds++;
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  deliver(partition: number, offsets: number[]): Promise<void> {
    const control: BatchControl = {
      heartbeat: () => (this.heartbeatError ? Promise.reject(this.heartbeatError) : Promise.resolve()),
      consumed: () => {},
    };
    const records = offsets.map((o) => record(partition, o));
    return this.handlers.batch({ topic: 't', partition, records, highWatermark: 100n }, control);
  }
}

function record(partition: number, offset: number): InRecord {
  return { topic: 't', partition, offset: String(offset), timestamp: 0, key: null, value: null, headers: [] };
}

/** A sink whose sends are acknowledged only when the test says so, in any order. */
class ManualSink {
  readonly sends: { records: readonly OutRecord[]; ack: () => void; fail: (e: unknown) => void }[] = [];
  send(records: readonly OutRecord[]): Promise<void> {
    return new Promise((ack, fail) => this.sends.push({ records, ack, fail }));
  }
}

const pipeline = {
  process: (records: readonly InRecord[]): Promise<Outcome[]> =>
    Promise.resolve(
      records.map((r) => ({
        kind: 'dead-letter' as const,
        record: { topic: 'dlq', key: null, value: null, headers: [] },
        stage: 'decode',
        timestamp: r.timestamp,
      })),
    ),
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup(overrides: Partial<SourceOptions> = {}) {
  const member = new FakeMember();
  const sink = new ManualSink();
  const fatal: unknown[] = [];
  const commits: CommitResult[] = [];
  const dropped: (readonly number[])[] = [];
  const restored: (readonly number[])[] = [];
  const metrics = { ...noopMetrics, commit: (r: CommitResult) => commits.push(r) };
  const source = new TransactionSource(member, pipeline, sink, metrics, pino({ level: 'silent' }), {
    topic: 't',
    chunkSize: 2,
    commitIntervalMs: 60_000,
    maxUnackedChunks: 100,
    revokeWaitMs: 1000,
    nowMs: () => 0,
    onFatal: (e) => fatal.push(e),
    state: {
      recordsAfterChunk: () => [],
      restore: (p) => {
        restored.push(p);
        return Promise.resolve();
      },
      drop: (p) => void (p.length > 0 && dropped.push(p)),
    },
    ...overrides,
  });
  return { member, sink, fatal, commits, dropped, restored, source };
}

test('an offset is committed only once every earlier chunk of its partition is acknowledged', async () => {
  const { member, sink, source } = setup();
  await source.start();
  member.handlers.assigned([0], true);
  await member.deliver(0, [10, 11, 12, 13]); // two chunks
  assert.equal(sink.sends.length, 2);
  sink.sends[1]!.ack(); // the later chunk first
  await tick();
  await source.commit();
  assert.deepEqual(member.commits, [], 'nothing: the first chunk is not acknowledged yet');
  sink.sends[0]!.ack();
  await tick();
  await source.commit();
  assert.deepEqual(member.commits, [[[0, 14n]]]);
});

test('a rebalance stops new chunks, waits for sent ones, commits them, then hands the partitions over', async () => {
  const { member, sink, source, dropped, restored } = setup();
  await source.start();
  member.handlers.assigned([0, 1], true);
  await member.deliver(0, [0, 1]);
  void member.handlers.revoking();
  assert.deepEqual(source.assigned, []);
  await member.deliver(1, [5, 6]); // fetched before the rebalance was known: not started
  assert.equal(sink.sends.length, 1);
  assert.deepEqual(member.commits, [], 'waits for the sent chunk');
  sink.sends[0]!.ack();
  await tick();
  await tick();
  assert.deepEqual(member.commits, [[[0, 2n]]]);
  member.handlers.assigned([1], true);
  assert.deepEqual(source.assigned, [1]);
  await tick();
  assert.deepEqual(dropped, [[0]], 'the partition lost drops its state; the one kept keeps it');
  assert.deepEqual(restored, [[0, 1]], 'restored once, when first assigned');
});

test('partitions assigned again after the member was out of the group are restored, not kept: another member may have decided them meanwhile', async () => {
  const { member, sink, source, dropped, restored } = setup();
  await source.start();
  member.handlers.assigned([0, 1], true);
  await member.deliver(0, [0, 1]);
  sink.sends[0]!.ack();
  await tick();
  // Paused past its session: the group moved on without it, and gave it the same partitions when it came back.
  void member.handlers.revoking();
  await tick();
  member.handlers.assigned([0, 1], false);
  await tick();
  await tick();
  assert.deepEqual(dropped, [[0, 1]], 'what it held of them is dropped');
  assert.deepEqual(
    restored,
    [
      [0, 1],
      [0, 1],
    ],
    'and restored from what was committed since',
  );
});

test('an acknowledgement arriving after the partition moved away is never committed', async () => {
  const { member, sink, source } = setup({ revokeWaitMs: 1 });
  await source.start();
  member.handlers.assigned([0], true);
  await member.deliver(0, [0, 1]);
  void member.handlers.revoking();
  await new Promise((resolve) => setTimeout(resolve, 5)); // the revocation gives up waiting
  member.handlers.assigned([3], true);
  sink.sends[0]!.ack();
  await tick();
  await source.commit();
  assert.deepEqual(member.commits, []);
});

test('a rebalance error from the heartbeat ends the batch without stopping the scorer', async () => {
  const { member, fatal, source, sink } = setup();
  await source.start();
  member.handlers.assigned([0], true);
  member.heartbeatError = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
  await assert.rejects(member.deliver(0, [0, 1, 2, 3]), /rebalancing/);
  assert.equal(sink.sends.length, 1, 'the batch ended after its first chunk');
  assert.deepEqual(fatal, []);
});

test('a failed send stops the scorer and nothing after it is committed', async () => {
  const { member, sink, fatal, source } = setup();
  await source.start();
  member.handlers.assigned([0], true);
  await member.deliver(0, [0, 1, 2, 3]);
  sink.sends[0]!.fail(new Error('produce failed'));
  sink.sends[1]!.ack();
  await tick();
  await source.commit();
  assert.equal(fatal.length >= 1, true);
  assert.deepEqual(member.commits, []);
});

test('a failed commit is tried again at the next commit; a stale one is not', async () => {
  const { member, sink, source, commits } = setup();
  await source.start();
  member.handlers.assigned([0], true);
  await member.deliver(0, [0, 1]);
  sink.sends[0]!.ack();
  await tick();
  member.commitResult = 'failed';
  await source.commit();
  member.commitResult = 'stale';
  await source.commit();
  await source.commit();
  assert.deepEqual(commits, ['failed', 'stale']);
  assert.deepEqual(member.commits, [[[0, 2n]], [[0, 2n]]]);
});

test('close finishes the chunks in hand, commits them and leaves the group; a second close does nothing more', async () => {
  const { member, sink, source, dropped } = setup();
  await source.start();
  member.handlers.assigned([4], true);
  await member.deliver(4, [7]);
  const closing = source.close();
  sink.sends[0]!.ack();
  await closing;
  await source.close();
  assert.deepEqual(member.commits, [[[4, 8n]]]);
  assert.deepEqual(dropped, [[4]]);
  assert.equal(member.closed, true);
});

test('exactly-once: a chunk commits with its offset in a transaction; an abort restores the state and fetches again', async () => {
  const log: string[] = [];
  let failCommit = false;
  const ref: { source?: TransactionSource } = {};
  const window = new TransactionWindow({
    intervalMs: 60_000,
    maxRecords: 1000,
    begin: () =>
      Promise.resolve({
        send: () => Promise.resolve(),
        sendOffsets: (offsets) => {
          log.push(offsets.map(([p, o]) => `${p}:${o}`).join(','));
          return Promise.resolve();
        },
        commit: () => (failCommit ? Promise.reject(new Error('fenced by the coordinator')) : Promise.resolve()),
        abort: () => Promise.resolve(),
      }),
    onAborted: (e) => ref.source!.aborted(e),
  });
  const { member, sink, commits, dropped, restored, source } = setup({ transactions: window });
  ref.source = source;
  await source.start();
  member.handlers.assigned([0], true);
  await tick();
  assert.equal(member.rewinds, 1, 'fetching starts again once the gained partition is restored');
  await member.deliver(0, [0, 1, 2]);
  await source.commit();
  assert.deepEqual(log, ['0:3']);
  assert.equal(sink.sends.length, 0, 'nothing goes around the transaction');
  assert.deepEqual(member.commits, [], 'and no offset commit either');

  failCommit = true;
  await member.deliver(0, [3, 4]);
  await source.commit();
  await tick();
  assert.deepEqual(commits, ['failed']);
  assert.deepEqual(dropped, [[0]], 'the state ahead of the commit is dropped');
  assert.deepEqual(restored, [[0], [0]], 'and restored from the changelog');
  assert.equal(member.rewinds, 2, 'then read again from the committed offset');
});
