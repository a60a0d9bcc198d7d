import type { Consumer } from 'kafkajs';
import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../schemas/src/types.ts';
import { deadLetter } from '../core/scoring/dead-letter.ts';
import type { ScorerMetrics } from '../metrics/scorer-metrics.ts';
import { fromKafkaHeaders } from './kafkajs-headers.ts';
import type { KafkaSink } from './sink.ts';

/**
 * Reads the whole `transaction-labels` topic from the start, in every instance (its consumer group is the
 * instance's own), so each instance's terminal risk features see every fraud report whatever partitions it owns.
 * A label that cannot be decoded goes to the dead-letter topic like a bad transaction.
 */
export async function runLabelSource(
  consumer: Consumer,
  topic: string,
  codecs: SchemaCodecs,
  onLabel: (label: Label) => void,
  sink: KafkaSink,
  deadLetterTopic: string,
  metrics: ScorerMetrics,
): Promise<void> {
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async (payload) => {
      const { batch } = payload;
      const dead = [];
      for (const m of batch.messages) {
        try {
          if (m.value === null) throw Object.assign(new Error('label record has no value'), { code: 'NO_VALUE' });
          onLabel(codecs.label.decode(m.value));
        } catch (error) {
          const record = {
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            timestamp: Number(m.timestamp),
            key: m.key,
            value: m.value,
            headers: fromKafkaHeaders(m.headers),
          };
          dead.push(deadLetter(record, deadLetterTopic, 'decode-label', error));
        }
      }
      await sink.send(dead);
      for (let i = 0; i < dead.length; i++) metrics.deadLetter('decode-label');
      const last = batch.messages[batch.messages.length - 1];
      if (last) payload.resolveOffset(last.offset);
      await payload.heartbeat();
    },
  });
}
