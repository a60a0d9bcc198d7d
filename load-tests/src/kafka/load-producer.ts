import { compatibilityPartitioner, Producer, type MessageToProduce } from '@platformatic/kafka';
import { baseClientOptions, retriesWithin } from '../../../services/scorer/src/kafka/client-options.ts';

/** One record as the generator sends it: the key is the card token, the value a framed Avro Transaction. */
export interface RecordToSend {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers?: Map<Buffer, Buffer> | undefined;
}

/** The generator's producer: not idempotent (as kafkajs' default was), topics never created by a send. */
export function createLoadProducer(brokers: readonly string[], clientId: string): Producer {
  return new Producer({ ...baseClientOptions(brokers, clientId), autocreateTopics: false });
}

/**
 * A producer that rides out a broker restart: idempotent (acks = all, and a request retried after the broker came
 * back is never written twice, so the input holds each transaction once), retrying for `retryWindowMs`.
 */
export function createIdempotentProducer(
  brokers: readonly string[],
  clientId: string,
  retryWindowMs: number,
): Producer {
  return new Producer({
    ...baseClientOptions(brokers, clientId, retriesWithin(retryWindowMs)),
    idempotent: true,
    autocreateTopics: false,
  });
}

/**
 * One produce request, acks = all. Keyed records go to the partition Java's producer (and kafkajs'
 * DefaultPartitioner) would pick, murmur2 & 0x7fffffff: the client's own default partitioner differs.
 */
export async function sendRecords(producer: Producer, topic: string, records: readonly RecordToSend[]): Promise<void> {
  const messages = new Array<MessageToProduce>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const message: MessageToProduce = { topic, key: r.key, value: r.value };
    if (r.headers !== undefined) message.headers = r.headers;
    messages[i] = message;
  }
  await producer.send({ messages, acks: -1, partitioner: compatibilityPartitioner });
}
