import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import type { Transaction } from '../../../../../schemas/src/types.ts';
import { sampleTransaction } from '../../../../../schemas/test/fixtures.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS } from '../../../src/core/limits.ts';
import type { InputLimits, OutputLimits } from '../../../src/core/limits.ts';
import { DLQ_HEADERS } from '../../../src/core/scoring/dead-letter.ts';
import { fixedScorePipeline } from './fixed-score-pipeline.ts';
import type { InRecord, Outcome } from '../../../src/core/scoring/records.ts';

const codecs = createSchemaCodecs();
const NOW = Date.UTC(2018, 3, 2);

function pipeline(options: { limits?: InputLimits; output?: OutputLimits } = {}) {
  const extracted: string[] = [];
  const p = fixedScorePipeline({ nowMs: () => NOW, onExtract: (tx) => extracted.push(tx.transactionId), ...options });
  return { pipeline: p, extracted };
}

function inRecord(value: Buffer | null, offset: number, key: Buffer | null = Buffer.from('card')): InRecord {
  return { topic: 'transactions', partition: 0, offset: String(offset), timestamp: NOW, key, value, headers: [] };
}

const txRecord = (overrides: Partial<Transaction>, offset: number, key?: Buffer | null) =>
  inRecord(codecs.transaction.encode(sampleTransaction({ transactionId: `t-${offset}`, ...overrides })), offset, key);

function header(o: Outcome, name: string): string | undefined {
  return o.record.headers.find(([n]) => n === name)?.[1].toString('utf8');
}

test('records over the input limits are dead-lettered before the features see them, the rest decided', async () => {
  const { pipeline: p, extracted } = pipeline();
  const huge = 'x'.repeat(1_000_000);
  const records = [
    txRecord({}, 0),
    txRecord({ cardId: huge }, 1, Buffer.from(huge)),
    txRecord({ cardId: '4111111111111111' }, 2, Buffer.from('4111111111111111')),
    txRecord({ amountMinor: DEFAULT_INPUT_LIMITS.maxAmountMinor + 1 }, 3),
    txRecord({ eventTime: Date.UTC(9999, 0, 1) }, 4),
    txRecord({ merchantId: '' }, 5),
    txRecord({ ipAddress: huge }, 6),
    txRecord({}, 7),
  ];
  const outcomes = await p.process(records, NOW);
  assert.deepEqual(
    outcomes.map((o) => (o.kind === 'decision' ? 'decision' : `${o.stage}:${header(o, DLQ_HEADERS.errorCode)}`)),
    [
      'decision',
      'validate:ID_TOO_LONG',
      'validate:ID_LOOKS_LIKE_PAN',
      'validate:AMOUNT_TOO_LARGE',
      'validate:EVENT_TIME_ABSURD',
      'validate:MISSING_ID',
      'validate:FIELD_TOO_LONG',
      'decision',
    ],
  );
  assert.deepEqual(extracted, ['t-0', 't-7']);
  const long = outcomes[1]!;
  assert.equal((long.record.key as Buffer).length, DEFAULT_OUTPUT_LIMITS.maxKeyBytes, 'the dead letter key is cut');
  assert.equal(header(long, DLQ_HEADERS.keyTruncated), '1000000');
  assert.equal(outcomes[2]!.record.key, null, 'a card number is not copied into the dead letter');
  for (const o of outcomes) {
    for (const [, v] of o.record.headers) assert.ok(!v.includes('4111111111111111'), 'no card number in a header');
  }
});

test('the pipeline applies the limits it is given', async () => {
  // The sample's longest id, its cardId, has 21 characters.
  const limits = { ...DEFAULT_INPUT_LIMITS, maxIdLength: 21, maxAmountMinor: 100 };
  const { pipeline: p } = pipeline({ limits });
  const outcomes = await p.process(
    [txRecord({ cardId: 'c'.repeat(22) }, 0), txRecord({ amountMinor: 101 }, 1), txRecord({ amountMinor: 100 }, 2)],
    NOW,
  );
  assert.deepEqual(
    outcomes.map((o) => (o.kind === 'decision' ? 'decision' : header(o, DLQ_HEADERS.errorCode))),
    ['ID_TOO_LONG', 'AMOUNT_TOO_LARGE', 'decision'],
  );
});

test('a decision that would exceed the message size is dead-lettered at stage encode instead of produced', async () => {
  const limits = { ...DEFAULT_INPUT_LIMITS, maxIdLength: 100_000 };
  const output = { ...DEFAULT_OUTPUT_LIMITS, maxMessageBytes: 50_000 };
  const { pipeline: p } = pipeline({ limits, output });
  const outcomes = await p.process(
    [txRecord({ cardId: 'c'.repeat(20_000) }, 0), txRecord({ cardId: 'c'.repeat(10_000) }, 1)],
    NOW,
  );
  const [big, small] = outcomes;
  assert.equal(big!.kind, 'dead-letter');
  assert.equal(big!.kind === 'dead-letter' && big!.stage, 'encode');
  assert.equal(header(big!, DLQ_HEADERS.errorCode), 'DECISION_TOO_LARGE');
  assert.equal(small!.kind, 'decision');
});

test('dead letters of the pipeline are bounded by the output limits it is given', async () => {
  const output = { ...DEFAULT_OUTPUT_LIMITS, maxMessageBytes: 70_000 };
  const { pipeline: p } = pipeline({ output });
  const value = Buffer.alloc(200_000, 1);
  const [o] = await p.process([inRecord(value, 0)], NOW);
  assert.equal(o!.kind, 'dead-letter');
  assert.equal(header(o!, DLQ_HEADERS.errorCode), 'BAD_MAGIC');
  assert.equal(header(o!, DLQ_HEADERS.valueTruncated), '200000');
  assert.ok(o!.record.value!.length < 70_000);
});
