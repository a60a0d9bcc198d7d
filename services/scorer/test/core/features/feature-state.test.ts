import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CardStore } from '../../../src/core/features/card-store.ts';
import { FEATURE_COUNT } from '../../../src/core/features/feature-names.ts';
import { FeatureState } from '../../../src/core/features/feature-state.ts';
import { DAY, DAY0, HOUR, SPEC, harness, tx } from './fixtures.ts';

test('the rows do not depend on how fast the idle sweep goes', () => {
  const stream = Array.from({ length: 600 }, (_, i) =>
    tx({
      cardId: `card-${(i * 7) % 50}`,
      terminalId: `term-${i % 9}`,
      eventTime: DAY0 + Math.floor(i / 6) * DAY + (i % 6) * HOUR,
      amountMinor: 100 + i,
    }),
  );
  const rows = (sweepStep: number) => {
    const state = new FeatureState(SPEC, { cards: new CardStore({ idleDays: 3 }), sweepStep });
    const out = new Float32Array(stream.length * FEATURE_COUNT);
    stream.forEach((t, i) => state.extract(t, out, i * FEATURE_COUNT));
    return { out, cards: state.cards.size };
  };
  const slow = rows(1);
  const fast = rows(1_000_000);
  assert.ok(fast.cards < 50, `cards were evicted: ${fast.cards} of 50 held`);
  assert.deepEqual(slow.out, fast.out);
  const unswept = harness({ cards: { idleDays: 3 } });
  const out = new Float32Array(stream.length * FEATURE_COUNT);
  stream.forEach((t, i) => unswept.extractor.extract(t, out, i * FEATURE_COUNT));
  assert.deepEqual(fast.out, out, 'the same rows as a store never swept');
});

test('a transaction counts at its terminal under the partition it came from', () => {
  const state = new FeatureState(SPEC);
  const out = new Float32Array(FEATURE_COUNT);
  state.extract(tx({ terminalId: 'T', eventTime: DAY0 }), out, 0, 3);
  state.extract(tx({ terminalId: 'T', eventTime: DAY0 }), out, 0);
  const day = DAY0 / DAY;
  assert.deepEqual(
    [state.terminals.transactionsFrom(3, 'T', day), state.terminals.transactionsFrom(0, 'T', day)],
    [1, 1],
  );
  assert.deepEqual(state.terminals.owners(), [0, 3]);
  assert.equal(state.terminals.cells, state.terminals.ringDays);
});
