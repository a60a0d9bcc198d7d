import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MultipleErrors, NetworkError, ProtocolError } from '@platformatic/kafka';
import { AbortJudge } from '../../src/kafka/fencing.ts';

const fenced = () =>
  new MultipleErrors('addPartitionsToTransaction failed 2 times.', [
    new NetworkError('connection closed'),
    new ProtocolError('PRODUCER_FENCED'),
  ]);

test('an abort for a lost connection or a rebalance is recovered, however often it comes', () => {
  const judge = new AbortJudge(30_000);
  assert.equal(judge.judge(new NetworkError('connection refused'), 0), 'recover');
  assert.equal(judge.judge(new ProtocolError('REBALANCE_IN_PROGRESS'), 10), 'recover');
  assert.equal(judge.judge(new Error('plain'), 20), 'recover');
});

test('a fenced producer is recovered once; fenced again within the window, the instance stops', () => {
  const judge = new AbortJudge(30_000);
  assert.equal(judge.judge(fenced(), 1_000), 'fenced');
  assert.equal(judge.judge(new ProtocolError('INVALID_PRODUCER_EPOCH'), 20_000), 'stop');
});

test('fencings further apart than the window are each recovered (one broker outage at a time)', () => {
  const judge = new AbortJudge(30_000);
  assert.equal(judge.judge(fenced(), 0), 'fenced');
  assert.equal(judge.judge(fenced(), 30_000), 'fenced');
  assert.equal(judge.judge(fenced(), 70_000), 'fenced');
  // Other aborts in between neither count as a fencing nor reset the last one.
  assert.equal(judge.judge(new NetworkError('x'), 80_000), 'recover');
  assert.equal(judge.judge(fenced(), 90_000), 'stop');
});

test('a transactional id or timeout the cluster refuses stops the instance at once', () => {
  assert.equal(new AbortJudge(30_000).judge(new ProtocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), 0), 'stop');
  assert.equal(new AbortJudge(30_000).judge(new ProtocolError('INVALID_TRANSACTION_TIMEOUT'), 0), 'stop');
});
