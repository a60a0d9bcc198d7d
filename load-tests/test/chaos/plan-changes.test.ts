import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planChanges } from '../../src/chaos/churn.ts';

test('a churn plan mixes joins, leaves and crashes and keeps between two members and one more than at the start', () => {
  for (const [count, initial] of [
    [12, 3],
    [20, 2],
    [5, 4],
  ] as const) {
    const plan = planChanges(count, initial);
    assert.equal(plan.length, count);
    let size: number = initial;
    for (const kind of plan) {
      size += kind === 'join' ? 1 : -1;
      assert.ok(size >= 2 && size <= initial + 1, `size ${size} after ${kind}`);
    }
    if (count >= 4) for (const kind of ['join', 'leave', 'crash']) assert.ok(plan.includes(kind as never), kind);
  }
});
