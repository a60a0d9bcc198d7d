import type { PartitionClient } from '../../src/kafka/partition-reader.ts';

interface Stored {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/**
 * A broker's view of some topics for the partition readers: `topics[name][p]` holds partition p's records from
 * offset 0, served as one non-transactional batch from the offset asked for (at most `perFetch` records).
 */
export function fakePartitionClient(topics: Record<string, Stored[][]>, perFetch = 1000): PartitionClient {
  const client = {
    metadata: (options: { topics: string[] }) =>
      Promise.resolve({
        id: 'cluster',
        brokers: new Map(),
        controllerId: 1,
        lastUpdate: 0,
        topics: new Map(
          options.topics.map((topic) => [
            topic,
            {
              id: topic,
              partitionsCount: topics[topic]!.length,
              lastUpdate: 0,
              partitions: topics[topic]!.map(() => ({
                leader: 1,
                leaderEpoch: 0,
                replicas: [1],
                isr: [1],
                offlineReplicas: [],
              })),
            },
          ]),
        ),
      }),
    listOffsets: (options: { topics: string[] }) =>
      Promise.resolve(
        new Map(options.topics.map((topic) => [topic, topics[topic]!.map((records) => BigInt(records.length))])),
      ),
    fetch: (options: { topics: { topicId: string; partitions: { partition: number; fetchOffset: bigint }[] }[] }) =>
      Promise.resolve({
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [
          {
            topicId: options.topics[0]!.topicId,
            partitions: options.topics[0]!.partitions.map(({ partition, fetchOffset }) => {
              const stored = topics[options.topics[0]!.topicId]![partition] ?? [];
              const slice = stored.slice(Number(fetchOffset), Number(fetchOffset) + perFetch);
              return {
                partitionIndex: partition,
                errorCode: 0,
                highWatermark: BigInt(stored.length),
                lastStableOffset: BigInt(stored.length),
                logStartOffset: 0n,
                abortedTransactions: [],
                preferredReadReplica: -1,
                records:
                  slice.length === 0
                    ? []
                    : [
                        {
                          firstOffset: fetchOffset,
                          lastOffsetDelta: slice.length - 1,
                          attributes: 0,
                          producerId: -1n,
                          producerEpoch: -1,
                          firstTimestamp: 0n,
                          records: slice.map((r, i) => ({
                            offsetDelta: i,
                            timestampDelta: 0n,
                            key: r.key,
                            value: r.value,
                            headers: [],
                          })),
                        },
                      ],
              };
            }),
          },
        ],
      }),
  };
  return client as unknown as PartitionClient;
}
