import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MultipleErrors, NetworkError, ProtocolError, UserError } from '@platformatic/kafka';
import { classifyKafkaError, errorIds, innermostMessage } from '../../src/kafka/kafka-errors.ts';

test('broker error ids are found inside the retries the client gave up on, and through causes', () => {
  const gaveUp = new MultipleErrors('Produce failed 3 times.', [
    new NetworkError('connection closed'),
    new ProtocolError('MESSAGE_TOO_LARGE'),
  ]);
  assert.deepEqual(errorIds(gaveUp), ['MESSAGE_TOO_LARGE']);
  const wrapped = new Error('send failed', { cause: gaveUp });
  assert.deepEqual(errorIds(wrapped), ['MESSAGE_TOO_LARGE']);
  assert.deepEqual(errorIds(new Error('plain')), []);
  assert.deepEqual(errorIds(null), []);
});

test('rebalance-class errors rejoin, other client errors retry, our own mistakes and foreign errors are fatal', () => {
  assert.equal(classifyKafkaError(new ProtocolError('REBALANCE_IN_PROGRESS')), 'rejoin');
  assert.equal(classifyKafkaError(new MultipleErrors('x', [new ProtocolError('ILLEGAL_GENERATION')])), 'rejoin');
  assert.equal(classifyKafkaError(new ProtocolError('NOT_COORDINATOR')), 'rejoin');
  assert.equal(classifyKafkaError(new NetworkError('connection refused')), 'retriable');
  assert.equal(classifyKafkaError(new ProtocolError('NOT_LEADER_OR_FOLLOWER')), 'retriable');
  assert.equal(classifyKafkaError(new UserError('bad option')), 'fatal');
  assert.equal(classifyKafkaError(new TypeError('undefined is not a function')), 'fatal');
});

test('a member fenced by another with its group.instance.id is fatal, not a rejoin, wherever the id sits', () => {
  assert.equal(classifyKafkaError(new ProtocolError('FENCED_INSTANCE_ID')), 'fatal');
  assert.equal(classifyKafkaError(new MultipleErrors('x', [new ProtocolError('FENCED_INSTANCE_ID')])), 'fatal');
});

test('a cycle of causes ends the walk', () => {
  const a = new Error('a') as Error & { cause?: unknown };
  const b = new Error('b', { cause: a });
  a.cause = b;
  assert.deepEqual(errorIds(a), []);
});

test("the innermost error's message is found through errors[] and cause", () => {
  const timeout = new Error('Request timed out after 30000 ms');
  const wrapped = Object.assign(new Error('fetch failed 11 times.'), {
    errors: [Object.assign(new Error('retry'), { cause: timeout })],
  });
  assert.equal(innermostMessage(wrapped), 'Request timed out after 30000 ms');
  assert.equal(innermostMessage(new Error('alone')), undefined);
});
