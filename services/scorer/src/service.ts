import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Kafka, Partitioners, type Consumer, type KafkaConfig, type Producer } from 'kafkajs';
import { createMissingTopics } from '../../../infra/kafka/topics.ts';
import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Label } from '../../../schemas/src/types.ts';
import { parseFeatureSpec } from './core/features/feature-spec.ts';
import { FeatureState } from './core/features/feature-state.ts';
import type { ModelPort } from './core/model-port.ts';
import type { PolicyConfig } from './core/policy/policy-config.ts';
import { validatePolicyConfig } from './core/policy/policy-config.ts';
import { MicroBatcher } from './core/scoring/micro-batcher.ts';
import { ScoringPipeline } from './core/scoring/pipeline.ts';
import type { ScorerConfig } from './config.ts';
import { createDashboardApp } from './dashboard/app.ts';
import { listen, type Listening } from './dashboard/listen.ts';
import { ScorerError, errorMessage } from './errors.ts';
import { runLabelSource } from './kafka/label-source.ts';
import { TerminalCountsSync } from './kafka/terminal-counts.ts';
import { KafkaSink } from './kafka/sink.ts';
import { KafkajsGroupMember } from './kafka/kafkajs-group-member.ts';
import { TransactionSource } from './kafka/transaction-source.ts';
import { LiveMetrics } from './metrics/live-metrics.ts';
import { createMetricsRegistry } from './metrics/prometheus.ts';
import { loadOnnxModel } from './model/onnx-model.ts';
import { kafkaLogCreator, type Logger } from './observability/logger.ts';

export type ServiceState = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

const SESSION_TIMEOUT_MS = 10_000;
const REBALANCE_TIMEOUT_MS = 20_000;
/** A disconnect waits for the fetch in flight: kafkajs' default long poll (5 s) per consumer slowed every stop. */
const FETCH_WAIT_MS = 500;

/** Wall-clock epoch milliseconds with sub-millisecond resolution (Kafka timestamps are epoch ms). */
const nowMs = () => performance.timeOrigin + performance.now();

/**
 * The scorer process: wires the pure pipeline to Kafka, ONNX and HTTP, and owns their lifecycle
 * (starting → running → draining → stopped | failed). `stop()` is idempotent and bounded by the grace period.
 */
export class ScorerService {
  #state: ServiceState = 'starting';
  readonly #log: Logger;
  readonly #config: ScorerConfig;
  readonly #closers: { name: string; close: () => Promise<unknown> }[] = [];
  #stopping: Promise<void> | undefined;
  #consumerJoined = false;
  #brokerReachable = false;
  #model: ModelPort | undefined;
  #source: TransactionSource | undefined;
  #http: Listening | undefined;
  #failure: unknown;
  /** Resolves when the service has stopped, with the exit code the process should end with. */
  readonly finished: Promise<number>;
  #finish!: (code: number) => void;

  private constructor(config: ScorerConfig, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.finished = new Promise((resolve) => (this.#finish = resolve));
  }

  get state(): ServiceState {
    return this.#state;
  }

  get url(): string | undefined {
    return this.#http?.url;
  }

  static async start(config: ScorerConfig, log: Logger): Promise<ScorerService> {
    const service = new ScorerService(config, log);
    try {
      await service.#start();
    } catch (error) {
      await service.stop('start-up failed');
      throw error;
    }
    return service;
  }

  async #start(): Promise<void> {
    const config = this.#config;
    const metrics = await LiveMetrics.create({ intervalMs: config.metricsIntervalMs });
    metrics.start();
    this.#closers.push({ name: 'metrics', close: () => Promise.resolve(metrics.close()) });

    let specJson: unknown;
    try {
      specJson = JSON.parse(await readFile(config.featureSpecPath, 'utf8'));
    } catch (error) {
      throw new ScorerError('BAD_CONFIG', `cannot read feature spec ${config.featureSpecPath}: ${errorMessage(error)}`);
    }
    const spec = parseFeatureSpec(specJson);
    const model = await loadOnnxModel(config.modelPath, {
      featureNames: spec.features.map((f) => f.name),
      specVersion: spec.version,
    });
    this.#model = model;
    this.#closers.push({ name: 'model', close: () => model.close() });
    metrics.setModelVersion(model.info.version);
    this.#log.info({ model: model.info.version, spec: spec.version, path: config.modelPath }, 'model loaded');

    const policy: PolicyConfig = {
      thresholds: {
        review: config.thresholds.review ?? model.info.thresholds.review,
        decline: config.thresholds.decline ?? model.info.thresholds.decline,
      },
      reportedCardAction: config.reportedCardAction,
      amountLimit: config.amountLimit,
      failMode: config.degradedMode,
      safeAmount: 50,
    };
    try {
      validatePolicyConfig(policy);
    } catch (error) {
      throw new ScorerError('BAD_CONFIG', `policy: ${errorMessage(error)}`);
    }
    const features = new FeatureState(spec);
    const reportSizes = () => metrics.setStateSizes(features.cards.size, features.terminals.cells);
    reportSizes();
    const sizes = setInterval(reportSizes, config.metricsIntervalMs);
    sizes.unref();
    this.#closers.push({ name: 'state sizes', close: () => Promise.resolve(clearInterval(sizes)) });
    const batcher = new MicroBatcher(model, {
      maxRows: config.batchMaxRows,
      maxWaitMs: config.batchMaxWaitMs,
      onModelCall: (rows, us) => {
        metrics.recordLatency('model_call', us);
        metrics.recordLatency('model_row', us / rows, rows);
      },
    });
    this.#closers.push({ name: 'batcher', close: () => Promise.resolve(batcher.close()) });
    const codecs = createSchemaCodecs();
    let lastModelError = 0;
    const pipeline = new ScoringPipeline({
      codecs,
      features,
      model: batcher,
      policy,
      modelVersion: model.info.version,
      topics: { decisions: config.topics.decisions, deadLetters: config.topics.deadLetters },
      deadlineMs: config.deadlineMs,
      nowMs,
      limits: config.limits,
      output: config.output,
      onModelError: (error) => {
        // At most one line a second: a broken model fails every batch.
        if (Date.now() - lastModelError > 1000)
          this.#log.error({ err: errorMessage(error) }, 'model failed: deciding by rules');
        lastModelError = Date.now();
      },
    });

    const kafka = new Kafka({
      clientId: config.clientId,
      brokers: [...config.brokers],
      logCreator: kafkaLogCreator(this.#log),
      ...(await kafkaSecurity(config)),
    });
    // Idempotent: a retried produce never writes a decision twice (kafkajs then allows one request in flight).
    const producer: Producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    this.#brokerReachable = true;
    this.#closers.push({ name: 'producer', close: () => producer.disconnect() });
    producer.on(producer.events.DISCONNECT, () => (this.#brokerReachable = false));
    producer.on(producer.events.CONNECT, () => (this.#brokerReachable = true));
    const sink = new KafkaSink(producer, {
      maxRequestBytes: config.output.maxMessageBytes,
      // A dead letter the broker still refuses (its limit is below ours): keep where it came from and why.
      replaceRejected: (record, reason) =>
        record.topic === config.topics.deadLetters
          ? {
              topic: record.topic,
              key: null,
              value: null,
              headers: [
                ...record.headers.filter(([name]) => name.startsWith('dlq.')),
                ['dlq.value.dropped', Buffer.from(reason)],
              ],
            }
          : undefined,
    });

    const admin = kafka.admin();
    await admin.connect();
    // Kept open: a partition taken over waits until the counts topic is read to its end (TerminalCountsSync).
    this.#closers.push({ name: 'admin', close: () => admin.disconnect() });
    await createMissingTopics(admin, [{ name: config.topics.terminalCounts, partitions: 6, compacted: true }]);
    const counts = new TerminalCountsSync(features.terminals, producer, config.topics.terminalCounts, this.#log, {
      admin,
    });
    const countsConsumer: Consumer = kafka.consumer({
      groupId: `${config.groupId}-counts-${config.instanceId}`,
      maxWaitTimeInMs: FETCH_WAIT_MS,
    });
    await countsConsumer.connect();
    this.#closers.push({ name: 'terminal counts consumer', close: () => countsConsumer.disconnect() });
    await counts.follow(countsConsumer);
    counts.start(1000);
    this.#closers.push({ name: 'terminal counts', close: () => counts.close() });

    const labels: Consumer = kafka.consumer({
      groupId: `${config.groupId}-labels-${config.instanceId}`,
      maxWaitTimeInMs: FETCH_WAIT_MS,
    });
    await labels.connect();
    this.#closers.push({ name: 'labels consumer', close: () => labels.disconnect() });
    const applyLabel = (label: Label) => void features.applyLabel(label);
    await runLabelSource(labels, config.topics.labels, codecs, applyLabel, sink, config.topics.deadLetters, metrics, {
      limits: config.limits,
      output: config.output,
      nowMs,
    });

    const consumer: Consumer = kafka.consumer({
      groupId: config.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: FETCH_WAIT_MS,
      // A crashed member's partitions wait this long for a new owner (kafkajs' default is 30 s).
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: SESSION_TIMEOUT_MS / 5,
    });
    consumer.on(consumer.events.GROUP_JOIN, () => (this.#consumerJoined = true));
    consumer.on(consumer.events.CRASH, (e) => {
      this.#consumerJoined = false;
      if (e.payload.restart) this.#log.warn({ err: errorMessage(e.payload.error) }, 'consumer restarting');
      else this.#fail(e.payload.error);
    });
    await consumer.connect();
    const member = new KafkajsGroupMember(consumer, config.topics.transactions, config.partitionsConcurrently);
    const source = new TransactionSource(member, pipeline, sink, metrics, this.#log, {
      topic: config.topics.transactions,
      chunkSize: 256,
      commitIntervalMs: 200,
      maxUnackedChunks: 32,
      revokeWaitMs: REBALANCE_TIMEOUT_MS / 4,
      nowMs,
      onFatal: (error) => this.#fail(error),
      onAssigned: (partitions) => counts.assigned(partitions),
      onRevoked: (partitions) => counts.revoked(partitions),
    });
    this.#source = source;
    // Closed first on stop: stop fetching, let the batches in hand finish, commit, then the producer and the rest.
    this.#closers.push({ name: 'transactions consumer', close: () => source.close() });
    await source.start();

    const app = createDashboardApp({
      metrics,
      registry: createMetricsRegistry(metrics),
      readiness: () => ({
        consumerJoined: this.#consumerJoined,
        // A member with no partitions (more members than partitions, or mid-rebalance) serves nothing.
        assigned: (this.#source?.assigned.length ?? 0) > 0,
        modelLoaded: this.#model !== undefined,
        brokerReachable: this.#brokerReachable,
      }),
    });
    const http = await listen(app, config.http.host, config.http.port);
    this.#http = http;
    this.#closers.push({ name: 'http', close: () => http.close() });
    this.#state = 'running';
    this.#log.info({ url: http.url, group: config.groupId, topic: config.topics.transactions }, 'scorer running');
  }

  #fail(error: unknown): void {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    this.#failure = error;
    this.#log.error(
      { err: errorMessage(error), code: (error as { code?: string }).code },
      'fatal: stopping without committing',
    );
    void this.stop('failure');
  }

  /** Stop fetching, drain in-flight batches, commit, close the producer, the model and HTTP; idempotent. */
  stop(reason: string): Promise<void> {
    this.#stopping ??= (async () => {
      const failed = this.#failure !== undefined || reason === 'start-up failed';
      this.#state = 'draining';
      this.#log.info({ reason }, 'draining');
      const grace = setTimeout(() => {
        this.#log.error({ graceMs: this.#config.shutdownGraceMs }, 'grace period over: exiting without a clean close');
        this.#state = 'failed';
        this.#finish(1);
      }, this.#config.shutdownGraceMs);
      grace.unref();
      // Reverse order of opening: HTTP, the transactions consumer (drains the batch in hand), labels, producer…
      for (const { name, close } of [...this.#closers].reverse()) {
        const began = Date.now();
        try {
          await close();
        } catch (error) {
          this.#log.warn({ err: errorMessage(error) }, `closing ${name} failed`);
        }
        const tookMs = Date.now() - began;
        if (tookMs > 1000) this.#log.warn({ tookMs }, `closing ${name} was slow`);
      }
      clearTimeout(grace);
      this.#state = failed ? 'failed' : 'stopped';
      this.#log.info({ state: this.#state }, 'stopped');
      this.#finish(failed ? 1 : 0);
    })();
    return this.#stopping;
  }
}

/** TLS and SASL settings of the Kafka client, from the config (the CA file is read here, at start-up). */
async function kafkaSecurity(config: ScorerConfig): Promise<Pick<KafkaConfig, 'ssl' | 'sasl'>> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (config.tls) {
    if (config.tls.caFile === null) out.ssl = true;
    else {
      try {
        out.ssl = { ca: [await readFile(config.tls.caFile, 'utf8')] };
      } catch (error) {
        throw new ScorerError(
          'BAD_CONFIG',
          `cannot read KAFKA_TLS_CA_FILE ${config.tls.caFile}: ${errorMessage(error)}`,
        );
      }
    }
  }
  if (config.sasl) {
    const { mechanism, username, password } = config.sasl;
    out.sasl =
      mechanism === 'plain'
        ? { mechanism, username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism, username, password }
          : { mechanism, username, password };
  }
  return out;
}
