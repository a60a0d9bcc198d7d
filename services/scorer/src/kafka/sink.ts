import { CompressionTypes, type Producer } from 'kafkajs';
import type { OutRecord } from '../core/scoring/records.ts';
import { ScorerError, errorMessage } from '../errors.ts';

/**
 * Sends a batch's decisions and dead letters in one produce request per call and resolves once every partition
 * leader has them (acks = all). kafkajs retries transient errors itself; what still fails is fatal for the batch.
 */
export class KafkaSink {
  readonly #producer: Producer;

  constructor(producer: Producer) {
    this.#producer = producer;
  }

  async send(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<
      string,
      { key: Buffer | string | null; value: Buffer | null; headers: OutRecord['headers'] }[]
    >();
    for (const r of records) {
      let list = byTopic.get(r.topic);
      if (list === undefined) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value: r.value, headers: r.headers });
    }
    try {
      await this.#producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      throw new ScorerError('PRODUCE_FAILED', `produce failed after retries: ${errorMessage(error)}`, false, {
        cause: error,
      });
    }
  }
}
