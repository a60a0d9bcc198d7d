import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InRecord, OutRecord } from '../../../services/scorer/src/core/scoring/records.ts';
import type { CommitOutcome, GroupHandlers, GroupMember } from '../../../services/scorer/src/kafka/group-member.ts';
import { PassThrough, type PassThroughOptions } from '../../src/pass-through/pass-through.ts';

/** The member port driven by the test: it delivers batches and rebalances when told, and records commits. */
class FakeMember implements GroupMember {
  handlers!: GroupHandlers;
  readonly commits: [number, bigint][][] = [];
  paused = false;
  closed = false;

  run(handlers: GroupHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }
  commit(offsets: readonly (readonly [number, bigint])[]): Promise<CommitOutcome> {
    this.commits.push(offsets.map(([p, o]) => [p, o]));
    return Promise.resolve('ok');
  }
  pause(): void {
    this.paused = true;
  }
  rewind(): void {}
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  deliver(partition: number, records: InRecord[]): Promise<void> {
    return this.handlers.batch(
      { topic: 'in', partition, records, highWatermark: 100n },
      { heartbeat: () => Promise.resolve(), consumed: () => {} },
    );
  }
}

/** A sink whose sends are acknowledged or failed only when the test says so. */
class ManualSink {
  readonly sends: { records: readonly OutRecord[]; ack: () => void; fail: (e: unknown) => void }[] = [];
  send(records: readonly OutRecord[]): Promise<void> {
    return new Promise((ack, fail) => this.sends.push({ records, ack, fail }));
  }
}

function record(partition: number, offset: number): InRecord {
  return {
    topic: 'in',
    partition,
    offset: String(offset),
    timestamp: 1_000 + offset,
    key: Buffer.from(`card-${offset}`),
    value: Buffer.from([offset & 255, 7]),
    headers: [
      ['h', Buffer.from('1')],
      ['h', Buffer.from('2')],
    ],
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function setup(overrides: Partial<PassThroughOptions> = {}) {
  const member = new FakeMember();
  const sink = new ManualSink();
  const fatal: unknown[] = [];
  const passThrough = new PassThrough(member, sink, {
    output: 'out',
    chunkSize: 2,
    settleWaitMs: 1_000,
    onAssigned: () => {},
    onFatal: (e) => fatal.push(e),
    onCommit: () => {},
    ...overrides,
  });
  await passThrough.start();
  member.handlers.assigned([0, 1], true);
  return { member, sink, fatal, passThrough };
}

test('a batch is forwarded as it came, key, value and headers, in chunks to the output topic, naming its partition', async () => {
  const { member, sink } = await setup();
  const records = [record(1, 5), record(1, 6), record(1, 7)];
  void member.deliver(1, records);
  await tick();
  assert.equal(sink.sends.length, 2, 'chunks of two');
  const sent = sink.sends.flatMap((s) => s.records);
  assert.deepEqual(
    sent,
    records.map((r) => ({ topic: 'out', key: r.key, value: r.value, headers: r.headers, partition: 1 })),
  );
});

test("a batch's offsets are committed once every chunk is acknowledged, and the batch ends only then", async () => {
  const { member, sink } = await setup();
  let ended = false;
  void member.deliver(1, [record(1, 10), record(1, 11), record(1, 12)]).then(() => (ended = true));
  await tick();
  sink.sends[1]!.ack();
  await tick();
  assert.deepEqual(member.commits, [], 'the first chunk is not acknowledged yet');
  assert.equal(ended, false);
  sink.sends[0]!.ack();
  await tick();
  assert.deepEqual(member.commits, [[[1, 13n]]]);
  assert.equal(ended, true);
});

test('a failed send stops the process and nothing is committed, then or after', async () => {
  const { member, sink, fatal } = await setup();
  void member.deliver(0, [record(0, 1), record(0, 2), record(0, 3)]);
  void member.deliver(1, [record(1, 1)]);
  await tick();
  const failure = new Error('produce failed after retries');
  sink.sends[0]!.fail(failure);
  sink.sends[1]!.ack();
  sink.sends[2]!.ack();
  await tick();
  assert.deepEqual(fatal, [failure]);
  assert.deepEqual(member.commits, []);
  void member.deliver(0, [record(0, 4)]);
  await tick();
  assert.equal(sink.sends.length, 3, 'no batch starts after the failure');
});

test('a rebalance waits for the batch in hand to be committed, and a batch during it is left to the next owner', async () => {
  const { member, sink } = await setup();
  void member.deliver(0, [record(0, 1)]);
  await tick();
  let revoked = false;
  void member.handlers.revoking().then(() => (revoked = true));
  void member.deliver(1, [record(1, 1)]);
  await tick();
  assert.equal(revoked, false);
  assert.equal(sink.sends.length, 1, 'the batch that came during the rebalance is not forwarded');
  sink.sends[0]!.ack();
  await tick();
  assert.equal(revoked, true);
  assert.deepEqual(member.commits, [[[0, 2n]]]);
  member.handlers.assigned([1], true);
  void member.deliver(1, [record(1, 1)]);
  await tick();
  assert.equal(sink.sends.length, 2, 'batches are forwarded again after the join');
});

test('close stops fetching, lets the batch in hand commit, then leaves the group; twice is once', async () => {
  const { member, sink, passThrough } = await setup();
  void member.deliver(0, [record(0, 1)]);
  await tick();
  const closed = passThrough.close();
  assert.equal(passThrough.close(), closed);
  await tick();
  assert.equal(member.paused, true);
  assert.equal(member.closed, false, 'the batch in hand is not acknowledged yet');
  sink.sends[0]!.ack();
  await closed;
  assert.deepEqual(member.commits, [[[0, 2n]]]);
  assert.equal(member.closed, true);
});
