import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { InRecord } from '../core/scoring/records.ts';
import type { CommitOutcome, GroupHandlers, GroupMember } from './group-member.ts';
import { classifyKafkaError, errorTypes } from './kafkajs-errors.ts';
import { fromKafkaHeaders } from './kafkajs-headers.ts';

/** A commit refused because the group has moved to a generation this member is not (yet) part of. */
const STALE_COMMIT = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * The group member on kafkajs: one topic, per-partition batches, manual commits. kafkajs' eager protocol revokes
 * every partition at each rebalance: `revoking` fires when kafkajs reports the rebalance (or a batch meets a
 * rebalance-class error first), `assigned` after the member has joined and synced again.
 */
export class KafkajsGroupMember implements GroupMember {
  readonly #consumer: Consumer;
  readonly #topic: string;
  readonly #partitionsConcurrently: number;

  constructor(consumer: Consumer, topic: string, partitionsConcurrently: number) {
    this.#consumer = consumer;
    this.#topic = topic;
    this.#partitionsConcurrently = partitionsConcurrently;
  }

  async run(handlers: GroupHandlers): Promise<void> {
    const consumer = this.#consumer;
    const topic = this.#topic;
    consumer.on(consumer.events.REBALANCING, () => handlers.revoking());
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const assignment = e.payload.memberAssignment as Record<string, number[] | undefined>;
      handlers.assigned(assignment[topic] ?? []);
    });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#partitionsConcurrently,
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        try {
          await handlers.batch(
            {
              topic: batch.topic,
              partition: batch.partition,
              records: batch.messages.map((m) => toInRecord(batch.topic, batch.partition, m)),
              highWatermark: BigInt(batch.highWatermark),
            },
            { heartbeat: () => payload.heartbeat(), consumed: (offset) => payload.resolveOffset(offset) },
          );
        } catch (error) {
          const kind = classifyKafkaError(error);
          // Tell the source at once, so the other partitions' batches stop too; kafkajs then rejoins.
          if (kind === 'rejoin') handlers.revoking();
          else if (kind === 'fatal') handlers.fatal(error);
          throw error;
        }
      },
    });
  }

  async commit(offsets: readonly (readonly [number, bigint])[]): Promise<CommitOutcome> {
    if (offsets.length === 0) return 'ok';
    const topic = this.#topic;
    try {
      await this.#consumer.commitOffsets(
        offsets.map(([partition, next]) => ({ topic, partition, offset: next.toString() })),
      );
      return 'ok';
    } catch (error) {
      return errorTypes(error).some((t) => STALE_COMMIT.has(t)) ? 'stale' : 'failed';
    }
  }

  pause(): void {
    this.#consumer.pause([{ topic: this.#topic }]);
  }

  close(): Promise<void> {
    return this.#consumer.disconnect();
  }
}

function toInRecord(topic: string, partition: number, m: KafkaMessage): InRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: fromKafkaHeaders(m.headers),
  };
}
