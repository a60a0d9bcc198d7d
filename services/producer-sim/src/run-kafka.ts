import type { Logger } from 'pino';
import { ensureTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { SimConfig } from './config.ts';
import { Rng } from './core/random.ts';
import type { SimEvent, Simulation } from './core/simulation.ts';
import type { StatsSummary } from './core/stats.ts';
import { runOpenLoop } from './pacing/open-loop.ts';
import type { Clock, OpenLoopSummary, Scheduled } from './pacing/open-loop.ts';
import { pacedEvents } from './pacing/paced-events.ts';
import { constantRate, poissonRate, simulatedClock } from './pacing/schedule.ts';
import type { SendSchedule } from './pacing/schedule.ts';
import { KafkaSink } from './sinks/kafka-sink.ts';

const STREAM_ARRIVALS = 99;

export interface KafkaRunDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Sees every event as it is handed to the sink (the demo keeps the ground truth this way). */
  readonly onEvent?: (event: SimEvent) => void;
}

export interface KafkaRunSummary extends OpenLoopSummary {
  readonly simulation: StatsSummary;
}

/** Streams the simulation to Kafka on an open-loop schedule until the count, duration, days or a signal. */
export async function runKafka(sim: Simulation, config: SimConfig, deps: KafkaRunDeps): Promise<KafkaRunSummary> {
  const { kafka } = config;
  const { logger } = deps;
  await ensureTopics(kafka.brokers, [
    { name: kafka.transactionsTopic, partitions: kafka.partitions },
    { name: kafka.labelsTopic, partitions: kafka.partitions },
  ]);
  const sink = await KafkaSink.connect(
    {
      brokers: kafka.brokers,
      clientId: kafka.clientId,
      transactionsTopic: kafka.transactionsTopic,
      labelsTopic: kafka.labelsTopic,
      logger,
    },
    createSchemaCodecs(),
  );
  try {
    const summary = await runOpenLoop({
      source: tap(pacedEvents(sim, schedule(config), config.count), deps.onEvent),
      send: (batch) => sink.send(batch),
      clock: deps.clock,
      maxInFlight: kafka.maxInFlight,
      maxBatch: kafka.maxBatch,
      durationMs: config.durationMs,
      signal: deps.signal,
      behindMs: kafka.behindMs,
      reportEveryMs: kafka.reportEveryMs,
      onReport: (report) => {
        const fields = { ...report, transactions: sim.stats.transactions, simulatedDay: sim.stats.days };
        if (report.behind) logger.warn(fields, 'behind schedule: the sink is not keeping up with the target rate');
        else logger.info(fields, 'progress');
      },
    });
    return { ...summary, simulation: sim.stats.summary() };
  } finally {
    await sink.close();
  }
}

function tap(
  source: () => Scheduled<SimEvent> | undefined,
  onEvent: ((event: SimEvent) => void) | undefined,
): () => Scheduled<SimEvent> | undefined {
  if (!onEvent) return source;
  return () => {
    const next = source();
    if (next) onEvent(next.item);
    return next;
  };
}

function schedule(config: SimConfig): SendSchedule {
  const { speed, rate, arrivals } = config.kafka;
  if (speed !== null) return simulatedClock(speed);
  return arrivals === 'poisson' ? poissonRate(rate, new Rng(config.seed, STREAM_ARRIVALS)) : constantRate(rate);
}
