import { Consumer, Producer } from '@platformatic/kafka';
import { DEFAULT_OUTPUT_LIMITS } from '../../../services/scorer/src/core/limits.ts';
import { KafkaGroupMember } from '../../../services/scorer/src/kafka/kafka-group-member.ts';
import { baseClientOptions, retriesWithin } from '../../../services/scorer/src/kafka/client-options.ts';
import { KafkaSink } from '../../../services/scorer/src/kafka/sink.ts';
import { consumerTopicOffsets } from '../../../services/scorer/src/kafka/topic-offsets.ts';
import type { Logger } from '../../../services/scorer/src/observability/logger.ts';
import type { PassThroughConfig } from './pass-through-config.ts';
import { PassThrough } from './pass-through.ts';

/** The scorer's group timings (services/scorer/src/service.ts), so both fetch and rebalance alike. */
const SESSION_TIMEOUT_MS = 10_000;
const REBALANCE_TIMEOUT_MS = 20_000;
const HEARTBEAT_INTERVAL_MS = SESSION_TIMEOUT_MS / 5;
const FETCH_WAIT_MS = 500;
/** The scorer's default DELIVERY_TIMEOUT_MS: how long its idempotent producer retries a send. */
const DELIVERY_TIMEOUT_MS = 120_000;
/** The scorer's chunk size (TransactionSource). */
const CHUNK_SIZE = 256;

export interface PassThroughHooks {
  /** The member joined its group for the first time. */
  readonly ready: () => void;
  readonly fatal: (error: unknown) => void;
  readonly log: Logger;
}

export interface RunningPassThrough {
  /** Idempotent. */
  stop(): Promise<void>;
}

/** The pass-through on @platformatic/kafka, wired as the scorer wires its transactions source and sink. */
export async function startPlatformaticPassThrough(
  config: PassThroughConfig,
  hooks: PassThroughHooks,
): Promise<RunningPassThrough> {
  const base = baseClientOptions(config.brokers, 'lt-pass-through');
  // As the scorer's: idempotent, so a retried produce never writes a record twice, and retried as long.
  const producer = new Producer({
    ...base,
    retries: retriesWithin(DELIVERY_TIMEOUT_MS),
    idempotent: true,
    autocreateTopics: false,
  });
  const consumer = new Consumer({
    ...base,
    groupId: config.groupId,
    autocommit: false,
    maxWaitTime: FETCH_WAIT_MS,
    sessionTimeout: SESSION_TIMEOUT_MS,
    rebalanceTimeout: REBALANCE_TIMEOUT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
  });
  const member = new KafkaGroupMember(
    consumer,
    config.input,
    {
      from: 'committed',
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      maxWaitTimeMs: FETCH_WAIT_MS,
    },
    hooks.log,
  );
  // As the scorer's decisions: an output with as many partitions as the input keeps each record's partition.
  const offsets = consumerTopicOffsets(consumer);
  let copartitioned: ReadonlySet<string>;
  try {
    const [inputs, outputs] = await Promise.all([config.input, config.output].map((t) => offsets.range(t)));
    copartitioned = new Set(inputs!.end.length === outputs!.end.length ? [config.output] : []);
  } catch (error) {
    await Promise.allSettled([consumer.close(true), producer.close()]);
    throw error;
  }
  let joined = false;
  const passThrough = new PassThrough(
    member,
    new KafkaSink(producer, { maxRequestBytes: DEFAULT_OUTPUT_LIMITS.maxMessageBytes, copartitioned }),
    {
      output: config.output,
      chunkSize: CHUNK_SIZE,
      settleWaitMs: REBALANCE_TIMEOUT_MS / 4,
      onAssigned: (partitions) => {
        hooks.log.info({ partitions }, 'joined the consumer group');
        if (!joined) hooks.ready();
        joined = true;
      },
      onFatal: hooks.fatal,
      onCommit: (partition, outcome) => {
        if (outcome !== 'ok') hooks.log.warn({ partition, outcome }, 'offset commit not accepted');
      },
    },
  );
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await passThrough.close().catch(() => consumer.close(true).catch(() => {}));
      await producer.close().catch(() => {});
    })());
  try {
    await passThrough.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
