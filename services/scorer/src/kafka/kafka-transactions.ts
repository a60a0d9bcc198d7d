import {
  compatibilityPartitioner,
  kGetApi,
  kGetConnection,
  kPerformWithRetry,
  type Callback,
  type Connection,
  type Consumer,
  type MessageToProduce,
  type Producer,
} from '@platformatic/kafka';
import { recordBytes, toMessage, type SinkOptions } from './sink.ts';
import type { TransactionPort } from './transaction-window.ts';

/**
 * Kafka transactions on @platformatic/kafka: one transactional producer per instance, its offsets sent with the
 * consumer group's generation and member id (KIP-447), so a member that lost its partitions in a rebalance
 * cannot commit for them, whatever its transactional id.
 *
 * The client runs one transaction at a time and merges concurrent "add partitions" requests of one transaction
 * (a second caller's partitions would be left out), so a transaction's produce requests go one after another;
 * its offsets, which add no partition, go beside them, in one request of their own. A record the broker refuses fails the transaction (the pipeline bounds every record under
 * `MAX_MESSAGE_BYTES`, so that means a broker limit below ours). After a failed transaction the producer is closed and a new one with the same transactional id
 * takes over: initialising it aborts whatever the old one left open and starts a new producer epoch.
 */
export class KafkaTransactions {
  readonly #create: () => Producer;
  readonly #consumer: () => Consumer;
  readonly #topic: string;
  readonly #sinkOptions: SinkOptions;
  #producer: Producer | undefined;

  /**
   * `create` makes the transactional producer; `consumer` is the member's consumer on `topic` (the input), whose
   * group generation the offsets are committed under.
   */
  constructor(create: () => Producer, consumer: () => Consumer, topic: string, sinkOptions: SinkOptions) {
    this.#create = create;
    this.#consumer = consumer;
    this.#topic = topic;
    this.#sinkOptions = sinkOptions;
  }

  /**
   * Registers the transactional id with the coordinator now, before any partition is taken: that aborts at once
   * whatever a crashed predecessor with the same id left open, so restoring its partitions need not wait for the
   * broker's transaction timeout.
   */
  async init(): Promise<void> {
    const producer = (this.#producer ??= this.#create());
    const txn = await producer.beginTransaction();
    await txn.cancel();
  }

  async begin(): Promise<TransactionPort> {
    const producer = (this.#producer ??= this.#create());
    let txn: Awaited<ReturnType<Producer['beginTransaction']>>;
    try {
      txn = await producer.beginTransaction();
    } catch (error) {
      await this.#reset();
      throw error;
    }
    const topic = this.#topic;
    const { copartitioned, maxRequestBytes = 1_000_000 } = this.#sinkOptions;
    return {
      // Every topic's records in as few requests as the size bound allows: each request of a transaction waits for
      // its partitions to be added to it (one round trip, more while the last commit's markers are written).
      send: async (records) => {
        let messages: MessageToProduce[] = [];
        let bytes = 0;
        for (const r of records) {
          const size = recordBytes(r);
          if (messages.length > 0 && bytes + size > maxRequestBytes) {
            await txn.send({ messages, acks: -1, partitioner: compatibilityPartitioner });
            messages = [];
            bytes = 0;
          }
          messages.push(toMessage(r, copartitioned?.has(r.topic) === true));
          bytes += size;
        }
        if (messages.length > 0) await txn.send({ messages, acks: -1, partitioner: compatibilityPartitioner });
      },
      sendOffsets: async (offsets, generation) => {
        const consumer = this.#consumer();
        await txn.addConsumer(consumer);
        const group = {
          groupId: consumer.groupId,
          generationId: generation?.generationId ?? consumer.generationId,
          memberId: generation?.memberId ?? consumer.memberId,
          coordinatorId: consumer.coordinatorId,
        };
        if (group.memberId === null || group.coordinatorId === null)
          throw new Error('offsets can be committed only by a member of the consumer group');
        await commitOffsets(
          producer,
          txn.id,
          { ...group, memberId: group.memberId, coordinatorId: group.coordinatorId },
          topic,
          offsets,
        );
      },
      commit: () => txn.commit(),
      abort: async () => {
        try {
          await txn.abort();
        } finally {
          await this.#reset();
        }
      },
    };
  }

  /** Closes the producer after a failure; the next transaction starts on a new one. */
  async #reset(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.close(true).catch(() => {});
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.close();
  }
}

const call = <T>(run: (done: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value!))));

type TxnOffsetCommit = (
  connection: Connection,
  transactionalId: string,
  groupId: string,
  producerId: bigint,
  producerEpoch: number,
  generationId: number,
  memberId: string,
  groupInstanceId: null,
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch: number;
      committedMetadata: null;
    }[];
  }[],
  callback: Callback<unknown>,
) => void;

/**
 * The offsets of every partition of a transaction in one TxnOffsetCommit request to the group coordinator, under
 * the given generation and member (KIP-447), retried as the client retries its own requests. The client's
 * `addOffset` sends one request per partition (a metadata lookup, then the commit), and concurrent calls are
 * merged into the first one's, so a transaction over six partitions waited for twelve round trips one after the
 * other; this is one.
 */
async function commitOffsets(
  producer: Producer,
  transactionalId: string,
  group: { groupId: string; generationId: number; memberId: string; coordinatorId: number },
  topic: string,
  offsets: Iterable<readonly [partition: number, next: bigint]>,
): Promise<void> {
  const partitions = [...offsets].map(([partitionIndex, next]) => ({
    partitionIndex,
    committedOffset: next,
    committedLeaderEpoch: -1,
    committedMetadata: null,
  }));
  const api = await call<TxnOffsetCommit>((done) => producer[kGetApi]('TxnOffsetCommit', done));
  await call<unknown>((done) => {
    void producer[kPerformWithRetry](
      'txnOffsetCommit',
      (retry) => {
        producer.metadata({ topics: [topic] }, (error, metadata) => {
          if (error) return retry(error);
          const broker = metadata!.brokers.get(group.coordinatorId);
          if (broker === undefined)
            return retry(new Error(`group coordinator ${group.coordinatorId} not in the metadata`));
          producer[kGetConnection](broker, (error, connection) => {
            if (error) return retry(error);
            api(
              connection!,
              transactionalId,
              group.groupId,
              producer.producerId!,
              producer.producerEpoch!,
              group.generationId,
              group.memberId,
              null,
              [{ name: topic, partitions }],
              retry,
            );
          });
        });
      },
      done,
    );
  });
}
