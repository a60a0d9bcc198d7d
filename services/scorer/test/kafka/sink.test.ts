import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageToProduce } from '@platformatic/kafka';
import type { OutRecord } from '../../src/core/scoring/records.ts';
import { KafkaSink, type ProducerPort } from '../../src/kafka/sink.ts';

type Request = Parameters<ProducerPort['send']>[0];

/** A producer that refuses any request holding a record whose value is `poison`, as the broker refuses one. */
function fakeProducer(failWith: (request: Request) => Error | undefined) {
  const requests: { topic: string; values: string[] }[] = [];
  const producer: ProducerPort = {
    send(request) {
      const topics = new Set(request.messages.map((m: MessageToProduce) => m.topic));
      assert.equal(topics.size, 1, 'one topic per request');
      requests.push({ topic: [...topics][0]!, values: request.messages.map((m) => String(m.value ?? null)) });
      const error = failWith(request);
      return error ? Promise.reject(error) : Promise.resolve({});
    },
  };
  return { producer, requests };
}

/** As @platformatic/kafka reports it: the broker's error inside the MultipleErrors of the gave-up retries. */
const tooLarge = () =>
  Object.assign(new AggregateError([Object.assign(new Error('too large'), { apiId: 'MESSAGE_TOO_LARGE' })], 'failed'), {
    code: 'PLT_KFK_MULTIPLE',
  });
const hasPoison = (r: Request) => r.messages.some((m) => String(m.value) === 'poison');

function rec(topic: string, value: string): OutRecord {
  return { topic, key: 'k', value: Buffer.from(value), headers: [] };
}

test('decisions and dead letters go in separate requests, so a refused dead letter cannot fail decisions', async () => {
  const { producer, requests } = fakeProducer((b) => (hasPoison(b) ? tooLarge() : undefined));
  const sink = new KafkaSink(producer, {
    replaceRejected: (r, reason) => ({ ...r, value: null, headers: [['dlq.value.dropped', Buffer.from(reason)]] }),
  });
  await sink.send([rec('decisions', 'd1'), rec('dlq', 'poison'), rec('decisions', 'd2'), rec('dlq', 'ok')]);
  const decisions = requests.filter((r) => r.topic === 'decisions');
  assert.deepEqual(decisions, [{ topic: 'decisions', values: ['d1', 'd2'] }]);
  // The dead-letter request failed, was split record by record, and only the refused one was replaced.
  assert.deepEqual(
    requests.filter((r) => r.topic === 'dlq').map((r) => r.values),
    [['poison', 'ok'], ['poison'], ['null'], ['ok']],
  );
});

test('a record the broker refuses and nothing replaces fails the send with PRODUCE_FAILED', async () => {
  const { producer } = fakeProducer((b) => (hasPoison(b) ? tooLarge() : undefined));
  const sink = new KafkaSink(producer);
  await assert.rejects(sink.send([rec('decisions', 'poison')]), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'PRODUCE_FAILED');
    assert.match(e.message, /MESSAGE_TOO_LARGE/);
    return true;
  });
});

test('a request that fails for the request as a whole is not split, and rejects every send in it', async () => {
  let calls = 0;
  const { producer } = fakeProducer(() => (++calls === 1 ? new Error('broker gone') : undefined));
  const sink = new KafkaSink(producer);
  const first = sink.send([rec('decisions', 'a')]);
  const second = sink.send([rec('decisions', 'b')]); // coalesced behind the first request
  await assert.rejects(first, /broker gone/);
  await second;
  assert.equal(calls, 2);
});

test('coalesced records are sent in requests that stay under the byte limit, in order', async () => {
  const { producer, requests } = fakeProducer(() => undefined);
  const sink = new KafkaSink(producer, { maxRequestBytes: 1000 });
  const big = (v: string) => ({ topic: 'dlq', key: null, value: Buffer.from(v.padEnd(400, '.')), headers: [] });
  await sink.send([big('a'), big('b'), big('c'), big('d'), big('e')]);
  assert.deepEqual(
    requests.map((r) => r.values.map((v) => v[0])),
    [['a', 'b'], ['c', 'd'], ['e']],
  );
});

test('a co-partitioned topic keeps the input partition a record names; other topics and records go by key', async () => {
  const sent: { topic: string; partition: number | undefined }[] = [];
  const producer: ProducerPort = {
    send(request) {
      for (const m of request.messages) sent.push({ topic: m.topic, partition: m.partition });
      return Promise.resolve({});
    },
  };
  const sink = new KafkaSink(producer, { copartitioned: new Set(['decisions']) });
  await sink.send([
    { ...rec('decisions', 'a'), partition: 4 },
    rec('decisions', 'b'),
    { ...rec('dlq', 'c'), partition: 4 },
  ]);
  assert.deepEqual(sent, [
    { topic: 'decisions', partition: 4 },
    { topic: 'decisions', partition: undefined },
    { topic: 'dlq', partition: undefined },
  ]);
});
