import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import { DLQ_HEADERS } from '../../../src/core/scoring/dead-letter.ts';
import { intakeLabels } from '../../../src/core/scoring/label-intake.ts';
import type { InRecord, OutRecord } from '../../../src/core/scoring/records.ts';
import { fromKafkaHeaders } from '../../../src/kafka/kafka-headers.ts';
import { fixedScorePipeline } from './fixed-score-pipeline.ts';
import { badLabels, badTransactions, goodLabels, oddButValid, type Case } from '../../fuzz-cases.ts';

// The fuzz test's records without a broker: each bad one becomes the dead letter it names, each odd one a decision.

const codecs = createSchemaCodecs();
const NOW = Date.now();

function inRecord(c: Case, offset: number): InRecord {
  const key = typeof c.key === 'string' ? Buffer.from(c.key) : c.key;
  return {
    topic: 'in',
    partition: 0,
    offset: String(offset),
    timestamp: NOW,
    key,
    value: c.value,
    headers: fromKafkaHeaders(headerEntries(c.headers)),
  };
}

/** A case's headers as the wire has them: one entry a value, repeated names kept, in order. */
function headerEntries(headers: Case['headers']): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else out.push([name, value]);
  }
  return out;
}

const header = (r: OutRecord, name: string) => r.headers.find(([n]) => n === name)?.[1].toString();

test('every malformed transaction of the fuzz test is dead-lettered with the stage and code it expects', async () => {
  const pipeline = fixedScorePipeline({ nowMs: () => NOW });
  const bad = badTransactions();
  const odd = oddButValid().map((o): Case => ({
    name: o.name,
    key: o.key,
    value: codecs.transaction.encode(o.tx),
    ...(o.headers && { headers: o.headers }),
  }));
  const outcomes = await pipeline.process([...bad, ...odd].map(inRecord), NOW);
  for (let i = 0; i < bad.length; i++) {
    const o = outcomes[i]!;
    assert.equal(o.kind, 'dead-letter', bad[i]!.name);
    assert.deepEqual(
      { stage: header(o.record, DLQ_HEADERS.stage), code: header(o.record, DLQ_HEADERS.errorCode) },
      bad[i]!.expect,
      bad[i]!.name,
    );
  }
  for (let i = 0; i < odd.length; i++) assert.equal(outcomes[bad.length + i]!.kind, 'decision', odd[i]!.name);
});

test('every malformed label of the fuzz test is dead-lettered with stage label and the code it expects', () => {
  const bad = badLabels();
  const applied: string[] = [];
  const good = goodLabels().map((l): Case => ({ name: l.transactionId, key: l.cardId, value: codecs.label.encode(l) }));
  const dead = intakeLabels([...bad, ...good].map(inRecord), NOW, {
    codecs,
    onLabel: (l) => applied.push(l.transactionId),
    deadLetterTopic: 'dlq',
  });
  assert.deepEqual(
    dead.map((d) => ({ stage: header(d, DLQ_HEADERS.stage), code: header(d, DLQ_HEADERS.errorCode) })),
    bad.map((c) => c.expect),
  );
  assert.deepEqual(
    applied,
    good.map((c) => c.name),
  );
});
