import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { Message } from '@platformatic/kafka';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { testBrokers, uniqueTopic } from '../../../test-support/kafka.ts';
import { createLoadProducer, sendRecords } from '../../src/kafka/load-producer.ts';
import { startTopicReader } from '../../src/kafka/topic-reader.ts';
import type { PassThroughClient } from '../../src/pass-through/pass-through-config.ts';
import { startPassThrough } from '../../src/processes/services.ts';
import { deleteBenchResources } from '../../src/run/bench-setup.ts';

const RECORDS = 60;

interface Seen {
  readonly partition: number;
  readonly value: string;
  readonly headers: string;
}

const describe = (headers: Iterable<readonly [Buffer, Buffer]>): string =>
  [...headers].map(([k, v]) => `${k.toString('hex')}=${v.toString('hex')}`).join(',');

async function forwardThrough(t: TestContext, client: PassThroughClient) {
  const brokers = testBrokers();
  const runId = uniqueTopic('lt-pass');
  const input = `${runId}-in`;
  const output = `${runId}-out`;
  t.after(() => deleteBenchResources(brokers, runId));
  await ensureTopics(brokers, [
    { name: input, partitions: 3 },
    { name: output, partitions: 3 },
  ]);
  const logDir = mkdtempSync(join(tmpdir(), 'lt-pass-'));
  t.after(() => rmSync(logDir, { recursive: true, force: true }));

  const producer = createLoadProducer(brokers, 'lt-pass-test');
  t.after(() => producer.close());
  // Repeated header names, an empty value, binary bytes: what a forwarder most easily gets wrong.
  const sent = Array.from({ length: RECORDS }, (_, i) => ({
    key: Buffer.from(`card-${i}`),
    value: Buffer.from([i, 0, 255, i ^ 0x5a]),
    headers: new Map([
      [Buffer.from('h'), Buffer.from(`first-${i}`)],
      [Buffer.from('h'), Buffer.from(`second-${i}`)],
      [Buffer.from('bin'), Buffer.from([0, 1, 2, i])],
      [Buffer.from('empty'), Buffer.alloc(0)],
    ]),
  }));
  await sendRecords(producer, input, sent);

  const inputs = new Map<string, Seen>();
  const outputs = new Map<string, Seen[]>();
  const collect = (into: (key: string, seen: Seen) => void) => (m: Message) =>
    into(m.key.toString('utf8'), {
      partition: m.partition,
      value: m.value.toString('hex'),
      headers: describe(m.headerEntries),
    });
  for (const [topic, into] of [
    [input, (k: string, s: Seen) => void inputs.set(k, s)],
    [output, (k: string, s: Seen) => void outputs.set(k, [...(outputs.get(k) ?? []), s])],
  ] as const) {
    const reader = await startTopicReader({
      brokers,
      topic,
      groupId: `${runId}-read-${topic === input ? 'in' : 'out'}`,
      clientId: 'lt-pass-test',
      onMessage: collect(into),
      onError: (error) => t.diagnostic(`reader: ${String(error)}`),
    });
    t.after(() => reader.close());
  }

  const service = await startPassThrough(brokers, input, output, `${runId}-pass`, logDir, { client });
  t.after(() => service.stop());
  const deadline = Date.now() + 30_000;
  while ((outputs.size < RECORDS || inputs.size < RECORDS) && Date.now() < deadline) await sleep(100);
  await sleep(500); // a late duplicate would show
  return { sent, inputs, outputs, tail: () => service.tail() };
}

for (const client of ['platformatic', 'kafkajs'] as const) {
  test(`the ${client} pass-through forwards key, value and headers unchanged, once, to the key's partition`, async (t) => {
    const { sent, inputs, outputs, tail } = await forwardThrough(t, client);
    assert.equal(outputs.size, sent.length, tail());
    for (const r of sent) {
      const key = r.key.toString('utf8');
      const copies = outputs.get(key)!;
      assert.equal(copies.length, 1, `${key} forwarded once`);
      const [copy] = copies;
      assert.equal(copy!.value, r.value.toString('hex'));
      assert.equal(copy!.headers, describe(r.headers), `${key}: every header, in order, repeats kept`);
      // Input and output have as many partitions: Java-compatible partitioning puts a key on the same one.
      assert.equal(copy!.partition, inputs.get(key)!.partition, `${key} on its input partition`);
    }
  });
}
