import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Label, Transaction } from '../../../schemas/src/types.ts';
import { sampleLabel, sampleTransaction } from '../../../schemas/test/fixtures.ts';
import { DEFAULT_INPUT_LIMITS } from '../src/core/limits.ts';

// The records of the fuzz test: good transactions and labels, valid transactions in odd records, and malformed
// transactions and labels, each with the dead letter it must become. Shared by the broker test and the offline one.

const codecs = createSchemaCodecs();
export const MB = 1_000_000;
/** Passes the Luhn check. */
export const PAN = '4111111111111111';
const TX_DAY = Date.UTC(2018, 3, 10);

/** One record to send; `expect` is the dead letter it must become (absent: it must be decided). */
export interface Case {
  readonly name: string;
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  readonly expect?: { readonly stage: string; readonly code: string };
}

/** Replaces the zigzag varint of `marker` in a framed record with that of `value` (a long Avro cannot hold). */
function withLong(framed: Buffer, marker: number, value: bigint): Buffer {
  const varint = (n: bigint) => {
    const out: number[] = [];
    let z = n >= 0n ? n * 2n : -n * 2n - 1n;
    while (z >= 0x80n) {
      out.push(Number(z & 0x7fn) | 0x80);
      z >>= 7n;
    }
    out.push(Number(z));
    return Buffer.from(out);
  };
  const at = framed.indexOf(varint(BigInt(marker)));
  assert.ok(at > 0, 'marker found');
  return Buffer.concat([framed.subarray(0, at), varint(value), framed.subarray(at + varint(BigInt(marker)).length)]);
}

export function goodTransactions(): Transaction[] {
  return Array.from({ length: 240 }, (_, i) =>
    sampleTransaction({
      transactionId: `fz-${i}`,
      cardId: `fz-card-${i % 17}`,
      terminalId: `term-fz-${i % 6}`,
      amountMinor: 300 + ((i * 7919) % 60_000),
      channel: i % 3 === 0 ? 'CARD_PRESENT' : 'ECOMMERCE',
      // Less than the 7-day label delay end to end: terminal windows never depend on the partitions' interleaving.
      eventTime: TX_DAY + i * 600_000,
    }),
  );
}

/** Valid transactions in odd records (null key, odd headers): decided. Each has a card of its own. */
export function oddButValid(): { tx: Transaction; key: string | null; headers?: IHeaders; name: string }[] {
  const tx = (n: number) =>
    sampleTransaction({ transactionId: `fz-odd-${n}`, cardId: `fz-odd-card-${n}`, eventTime: TX_DAY + n * 60_000 });
  const many: IHeaders = {};
  for (let i = 0; i < 200; i++) many[`h${i}`] = `v${i}`;
  return [
    { name: 'null key', tx: tx(0), key: null },
    { name: 'null header value', tx: tx(1), key: 'fz-odd-card-1', headers: { nothing: null } as unknown as IHeaders },
    {
      name: 'binary headers',
      tx: tx(2),
      key: 'fz-odd-card-2',
      headers: { bin: randomBytes(64), zero: Buffer.alloc(0) },
    },
    { name: '200 headers', tx: tx(3), key: 'fz-odd-card-3', headers: many },
    { name: 'duplicate header names', tx: tx(4), key: 'fz-odd-card-4', headers: { dup: ['a', 'b', 'c'] } },
  ];
}

export function badTransactions(): Case[] {
  const base = sampleTransaction({ transactionId: 'fz-bad', cardId: 'fz-card-3', eventTime: TX_DAY });
  const enc = (overrides: Partial<Transaction>) => codecs.transaction.encode({ ...base, ...overrides });
  const framed = enc({});
  const big = 'x'.repeat(MB);
  const magicOne = Buffer.from(framed);
  magicOne[0] = 1;
  const unknownSchema = Buffer.from(framed);
  unknownSchema.writeUInt32BE(999, 1);
  const random = randomBytes(300);
  random[0] = 0xab;
  const headersAll: IHeaders = {};
  for (let i = 0; i < 199; i++) headersAll[`h${i}`] = randomBytes(8);
  const v = (stage: string, code: string) => ({ stage, code });
  return [
    { name: 'random bytes', key: 'k', value: random, expect: v('decode', 'BAD_MAGIC') },
    { name: 'empty value', key: 'k', value: Buffer.alloc(0), expect: v('decode', 'TRUNCATED') },
    { name: 'null value', key: 'k', value: null, expect: v('decode', 'NO_VALUE') },
    { name: 'magic byte 1', key: 'k', value: magicOne, expect: v('decode', 'BAD_MAGIC') },
    { name: 'unknown schema id', key: 'k', value: unknownSchema, expect: v('decode', 'UNKNOWN_SCHEMA') },
    {
      name: 'a label on the transactions topic',
      key: 'k',
      value: codecs.label.encode(sampleLabel()),
      expect: v('decode', 'SCHEMA_MISMATCH'),
    },
    { name: 'truncated body', key: 'k', value: framed.subarray(0, 9), expect: v('decode', 'TRUNCATED') },
    {
      name: 'trailing bytes',
      key: 'k',
      value: Buffer.concat([framed, Buffer.from([1, 2])]),
      expect: v('decode', 'TRAILING_BYTES'),
    },
    {
      name: 'a 900 KB value',
      key: 'k',
      value: Buffer.concat([framed, Buffer.alloc(900_000, 7)]),
      expect: v('decode', 'TRAILING_BYTES'),
    },
    {
      name: 'a value near max.message.bytes',
      key: 'k',
      value: Buffer.alloc(1_040_000, 1),
      expect: v('decode', 'BAD_MAGIC'),
    },
    { name: '1 MB cardId', key: 'fz-big-1', value: enc({ cardId: big }), expect: v('validate', 'ID_TOO_LONG') },
    {
      name: '1 MB transactionId',
      key: 'fz-big-2',
      value: enc({ transactionId: big }),
      expect: v('validate', 'ID_TOO_LONG'),
    },
    {
      name: '1 MB ipAddress',
      key: 'fz-big-3',
      value: enc({ ipAddress: big }),
      expect: v('validate', 'FIELD_TOO_LONG'),
    },
    { name: 'a 1 MB key', key: Buffer.alloc(MB, 0x6b), value: framed.subarray(0, 7), expect: v('decode', 'TRUNCATED') },
    { name: 'NaN terminalX', key: 'k', value: enc({ terminalX: NaN }), expect: v('validate', 'POSITION_INVALID') },
    {
      name: '+Infinity terminalY',
      key: 'k',
      value: enc({ terminalY: Infinity }),
      expect: v('validate', 'POSITION_INVALID'),
    },
    {
      name: '-Infinity terminalX',
      key: 'k',
      value: enc({ terminalX: -Infinity }),
      expect: v('validate', 'POSITION_INVALID'),
    },
    { name: 'negative amount', key: 'k', value: enc({ amountMinor: -5 }), expect: v('validate', 'AMOUNT_INVALID') },
    {
      name: '2^62 amount',
      key: 'k',
      value: withLong(enc({ amountMinor: 123_456_789 }), 123_456_789, 2n ** 62n),
      expect: v('decode', 'MALFORMED'),
    },
    {
      name: 'amount over the ceiling',
      key: 'k',
      value: enc({ amountMinor: DEFAULT_INPUT_LIMITS.maxAmountMinor + 1 }),
      expect: v('validate', 'AMOUNT_TOO_LARGE'),
    },
    { name: 'event time in 1970', key: 'k', value: enc({ eventTime: 0 }), expect: v('validate', 'EVENT_TIME_ABSURD') },
    {
      name: 'event time in 9999',
      key: 'k',
      value: enc({ eventTime: Date.UTC(9999, 0, 1) }),
      expect: v('validate', 'EVENT_TIME_ABSURD'),
    },
    { name: 'empty transactionId', key: 'k', value: enc({ transactionId: '' }), expect: v('validate', 'MISSING_ID') },
    { name: 'empty cardId', key: 'k', value: enc({ cardId: '' }), expect: v('validate', 'MISSING_ID') },
    { name: 'PAN-shaped cardId', key: PAN, value: enc({ cardId: PAN }), expect: v('validate', 'ID_LOOKS_LIKE_PAN') },
    {
      name: 'lower-case currency',
      key: 'k',
      value: enc({ currency: 'eur' }),
      expect: v('validate', 'CURRENCY_INVALID'),
    },
    {
      name: 'a bad record with 200 binary headers',
      key: 'k',
      value: magicOne,
      headers: headersAll,
      expect: v('decode', 'BAD_MAGIC'),
    },
    {
      name: 'a bad record with a null header value and duplicate names',
      key: null,
      value: enc({ mcc: 99_999 }),
      headers: { nothing: null, dup: ['x', 'y'] } as unknown as IHeaders,
      expect: v('validate', 'MCC_INVALID'),
    },
  ];
}

export function goodLabels(): Label[] {
  // Reported before the transactions, for frauds more than the label delay before them: they change decisions.
  return Array.from({ length: 12 }, (_, k) =>
    sampleLabel({
      transactionId: `fz-lab-${k}`,
      cardId: `fz-card-${k % 6}`,
      terminalId: `term-fz-${k % 3}`,
      eventTime: Date.UTC(2018, 3, 1) + k * 3_600_000,
      reportedAt: Date.UTC(2018, 3, 9),
    }),
  );
}

export function badLabels(): Case[] {
  // Cards and terminals of the good transactions: a bad label reaching the features would change decisions.
  const base = sampleLabel({ transactionId: 'fz-bad-lab', cardId: 'fz-card-12', terminalId: 'term-fz-4' });
  const enc = (overrides: Partial<Label>) => codecs.label.encode({ ...base, ...overrides });
  const y9999 = Date.UTC(9999, 0, 1);
  const framed = enc({});
  const random = randomBytes(100);
  random[0] = 0xcd;
  const v = (code: string) => ({ stage: 'label', code });
  return [
    { name: 'label: random bytes', key: 'k', value: random, expect: v('BAD_MAGIC') },
    { name: 'label: null value', key: 'k', value: null, expect: v('NO_VALUE') },
    { name: 'label: empty value', key: 'k', value: Buffer.alloc(0), expect: v('TRUNCATED') },
    { name: 'label: truncated', key: 'k', value: framed.subarray(0, framed.length - 4), expect: v('TRUNCATED') },
    {
      name: 'label: a transaction on the labels topic',
      key: 'k',
      value: codecs.transaction.encode(sampleTransaction()),
      expect: v('SCHEMA_MISMATCH'),
    },
    {
      name: 'label: year 9999',
      key: 'k',
      value: enc({ eventTime: y9999, reportedAt: y9999, cardId: 'fz-card-13' }),
      expect: v('EVENT_TIME_ABSURD'),
    },
    { name: 'label: 1970', key: 'k', value: enc({ eventTime: 0, reportedAt: 1 }), expect: v('EVENT_TIME_ABSURD') },
    {
      name: 'label: reported before the fraud',
      key: 'k',
      value: enc({ reportedAt: base.eventTime - 1 }),
      expect: v('LABEL_REPORTED_BEFORE_EVENT'),
    },
    {
      name: 'label: reported in 2100',
      key: 'k',
      value: enc({ reportedAt: Date.UTC(2100, 0, 1), cardId: 'fz-card-14' }),
      expect: v('LABEL_REPORTED_IN_FUTURE'),
    },
    { name: 'label: empty cardId', key: 'k', value: enc({ cardId: '' }), expect: v('MISSING_ID') },
    { name: 'label: 1 MB terminalId', key: 'k', value: enc({ terminalId: 'x'.repeat(MB) }), expect: v('ID_TOO_LONG') },
    { name: 'label: PAN-shaped cardId', key: PAN, value: enc({ cardId: PAN }), expect: v('ID_LOOKS_LIKE_PAN') },
    { name: 'label: empty scenario', key: 'k', value: enc({ scenario: '' }), expect: v('LABEL_SCENARIO_MISSING') },
  ];
}

/** Cases in order, `bad` spread evenly among `good`. */
export function interleave(good: Case[], bad: Case[]): Case[] {
  const out: Case[] = [];
  const step = Math.max(1, Math.floor(good.length / (bad.length + 1)));
  let b = 0;
  for (let i = 0; i < good.length; i++) {
    out.push(good[i]!);
    if ((i + 1) % step === 0 && b < bad.length) out.push(bad[b++]!);
  }
  while (b < bad.length) out.push(bad[b++]!);
  return out;
}
