import assert from 'node:assert/strict';
import { test } from 'node:test';
import { innermostMessage } from '../client-errors.ts';

test('the innermost message is found under retries and causes', () => {
  const refused = new Error('connect ECONNREFUSED 127.0.0.1:1');
  const wrapped = Object.assign(new Error('listTopics failed 3 times.'), {
    errors: [new Error('first'), new Error('Connection failed.', { cause: refused })],
  });
  assert.equal(innermostMessage(wrapped), 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(innermostMessage(new Error('plain')), 'plain');
  assert.equal(innermostMessage('not an error'), 'not an error');
});
