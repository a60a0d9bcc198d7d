import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksLikePan } from '../../src/core/pan-shape.ts';

test('13 to 19 digits passing the Luhn check look like a card number', () => {
  for (const pan of ['4111111111111111', '5500005555555559', '378282246310005', '4222222222222', '6011000990139424']) {
    assert.equal(looksLikePan(pan), true, pan);
  }
  assert.equal(looksLikePan('4000000000000000006'), true, '19 digits');
});

test('a failed Luhn check, the wrong length or any non-digit does not', () => {
  for (const value of [
    '4111111111111112',
    '411111111111111',
    '41111111111',
    '40000000000000000006',
    '4111-1111-1111-1111',
    '4111 1111 1111 111',
    '411111111111111a',
    'card-9f3a1c2b4d5e6f70',
    '',
  ]) {
    assert.equal(looksLikePan(value), false, value);
  }
});
