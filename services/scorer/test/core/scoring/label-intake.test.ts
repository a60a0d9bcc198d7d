import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../../schemas/src/types.ts';
import { sampleLabel } from '../../../../../schemas/test/fixtures.ts';
import { DEFAULT_INPUT_LIMITS } from '../../../src/core/limits.ts';
import { DLQ_HEADERS } from '../../../src/core/scoring/dead-letter.ts';
import { LABEL_STAGE, intakeLabels } from '../../../src/core/scoring/label-intake.ts';
import type { InRecord, OutRecord } from '../../../src/core/scoring/records.ts';

const codecs = createSchemaCodecs();
const NOW = Date.UTC(2018, 5, 1);

function record(value: Buffer | null, offset: number): InRecord {
  return { topic: 'labels', partition: 0, offset: String(offset), timestamp: NOW, key: null, value, headers: [] };
}
const labelRecord = (overrides: Partial<Label>, offset: number) =>
  record(codecs.label.encode(sampleLabel({ transactionId: `l-${offset}`, ...overrides })), offset);

function header(r: OutRecord, name: string): string | undefined {
  return r.headers.find(([n]) => n === name)?.[1].toString('utf8');
}

test('good labels reach the features in order; bad ones become dead letters with stage label and a code', () => {
  const applied: string[] = [];
  const y9999 = Date.UTC(9999, 0, 1);
  const framed = codecs.label.encode(sampleLabel());
  const records = [
    labelRecord({}, 0),
    record(null, 1),
    record(Buffer.from([1, 0, 0, 0, 3, 9]), 2),
    record(framed.subarray(0, framed.length - 3), 3),
    labelRecord({ eventTime: y9999, reportedAt: y9999 }, 4),
    labelRecord({ cardId: 'x'.repeat(1_000_000) }, 5),
    labelRecord({ reportedAt: sampleLabel().eventTime - 1 }, 6),
    labelRecord({ cardId: '4111111111111111' }, 7),
    labelRecord({}, 8),
  ];
  const dead = intakeLabels(records, NOW, {
    codecs,
    onLabel: (l) => applied.push(l.transactionId),
    deadLetterTopic: 'dlq',
  });
  assert.deepEqual(applied, ['l-0', 'l-8']);
  assert.deepEqual(
    dead.map((d) => [header(d, DLQ_HEADERS.offset), header(d, DLQ_HEADERS.stage), header(d, DLQ_HEADERS.errorCode)]),
    [
      ['1', LABEL_STAGE, 'NO_VALUE'],
      ['2', LABEL_STAGE, 'BAD_MAGIC'],
      ['3', LABEL_STAGE, 'TRUNCATED'],
      ['4', LABEL_STAGE, 'EVENT_TIME_ABSURD'],
      ['5', LABEL_STAGE, 'ID_TOO_LONG'],
      ['6', LABEL_STAGE, 'LABEL_REPORTED_BEFORE_EVENT'],
      ['7', LABEL_STAGE, 'ID_LOOKS_LIKE_PAN'],
    ],
  );
  assert.equal(dead[0]!.topic, 'dlq');
  assert.equal(dead[6]!.value, null, 'a card number is not copied into the dead letter');
});

test('label intake checks against the clock and limits it is given', () => {
  const applied: Label[] = [];
  const deps = { codecs, onLabel: (l: Label) => applied.push(l), deadLetterTopic: 'dlq' };
  const reportedAt = sampleLabel().reportedAt;
  assert.equal(intakeLabels([labelRecord({}, 0)], reportedAt, deps).length, 0);
  const strict = { ...deps, limits: { ...DEFAULT_INPUT_LIMITS, labelMaxSkewMs: 0 } };
  const [dead] = intakeLabels([labelRecord({}, 1)], reportedAt - 1, strict);
  assert.equal(header(dead!, DLQ_HEADERS.errorCode), 'LABEL_REPORTED_IN_FUTURE');
  assert.equal(applied.length, 1);
});

test('a label the features throw on is dead-lettered instead of stopping the intake', () => {
  const dead = intakeLabels([labelRecord({}, 0), labelRecord({}, 1)], NOW, {
    codecs,
    onLabel: (l) => {
      if (l.transactionId === 'l-0') throw new Error('state full');
    },
    deadLetterTopic: 'dlq',
  });
  assert.equal(dead.length, 1);
  assert.equal(header(dead[0]!, DLQ_HEADERS.offset), '0');
});
