import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyKafkaError } from '../../src/kafka/kafkajs-errors.ts';

test('kafkajs errors are classified: rebalance-class rejoin, other client errors retry, the rest is fatal', () => {
  for (const type of ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP'])
    assert.equal(classifyKafkaError(Object.assign(new Error(type), { type, name: 'KafkaJSProtocolError' })), 'rejoin');
  assert.equal(classifyKafkaError(Object.assign(new Error('t'), { name: 'KafkaJSRequestTimeoutError' })), 'retriable');
  assert.equal(classifyKafkaError(new TypeError('a bug')), 'fatal');
});
