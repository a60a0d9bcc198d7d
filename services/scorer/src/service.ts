import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Admin, Consumer, Producer, type BaseOptions } from '@platformatic/kafka';
import type { Label } from '../../../schemas/src/types.ts';
import type { ScorerConfig } from './config.ts';
import { createDashboardApp } from './dashboard/app.ts';
import { listen, type Listening } from './dashboard/listen.ts';
import { ScorerError, errorMessage } from './errors.ts';
import { clientOptions, retriesWithin } from './kafka/client-options.ts';
import { KafkaGroupMember, type KafkaGroupMemberOptions } from './kafka/kafka-group-member.ts';
import { labelApplier } from './kafka/label-source.ts';
import { CardStateChangelog } from './kafka/card-state-changelog.ts';
import { AbortJudge } from './kafka/fencing.ts';
import { errorIds, innermostMessage } from './kafka/kafka-errors.ts';
import { KafkaTransactions } from './kafka/kafka-transactions.ts';
import { TerminalCountsSync } from './kafka/terminal-counts.ts';
import { TopicFollower } from './kafka/topic-follower.ts';
import { KafkaSink, type SinkOptions } from './kafka/sink.ts';
import { TransactionWindow } from './kafka/transaction-window.ts';
import { consumerTopicOffsets } from './kafka/topic-offsets.ts';
import { createMissingTopics, requireTopics } from './kafka/topics.ts';
import { TransactionSource } from './kafka/transaction-source.ts';
import { LiveMetrics } from './metrics/live-metrics.ts';
import { createMetricsRegistry } from './metrics/prometheus.ts';
import type { Logger } from './observability/logger.ts';
import { candidateLoader, composeScoring, loadSpecAndModel } from './scoring-core.ts';
import { LiveQuality } from './core/quality/live-quality.ts';
import { ModelAdmin } from './model/model-admin.ts';
import type { ModelLoader } from './model/onnx-model.ts';

export interface ServicePorts {
  readonly loadModel?: ModelLoader;
}

export type ServiceState = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

const SESSION_TIMEOUT_MS = 10_000;
const REBALANCE_TIMEOUT_MS = 20_000;
/** A stop waits for the fetch in flight: the client's default long poll (5 s) per consumer slowed every stop. */
const FETCH_WAIT_MS = 500;
/** Scoring waits for the labels and the terminal counts to be read to their end at start; a warning after this. */
const CATCH_UP_TIMEOUT_MS = 60_000;
/**
 * A second fencing this soon after the first means another live instance has our transactional id: stop. Twins
 * fence each other within seconds (every abort starts a new producer); one broker outage fences once.
 */
const FENCED_AGAIN_WITHIN_MS = 30_000;
const GROUP_TIMING = {
  sessionTimeoutMs: SESSION_TIMEOUT_MS,
  rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
  heartbeatIntervalMs: SESSION_TIMEOUT_MS / 5,
  maxWaitTimeMs: FETCH_WAIT_MS,
} as const;

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
  readonly #ports: ServicePorts;
  readonly #closers: { name: string; close: () => Promise<unknown> }[] = [];
  #stopping: Promise<void> | undefined;
  #consumerJoined = false;
  #brokerReachable = false;
  #models: ModelAdmin | undefined;
  #source: TransactionSource | undefined;
  /** Exactly-once: the transactions of the decisions in hand; closed first on a failure, so none commits. */
  #window: TransactionWindow | undefined;
  #http: Listening | undefined;
  #failure: unknown;
  #readToEnd: (() => Promise<void>) | undefined;
  /** Resolves when the service has stopped, with the exit code the process should end with. */
  readonly finished: Promise<number>;
  #finish!: (code: number) => void;

  private constructor(config: ScorerConfig, log: Logger, ports: ServicePorts) {
    this.#ports = ports;
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

  /**
   * Resolves once the labels and the shared terminal counts have been read up to where their topics end now:
   * everything published before the call is in this instance's state.
   */
  readToEnd(): Promise<void> {
    return this.#readToEnd?.() ?? Promise.reject(new Error('the scorer has not started'));
  }

  /** `ports.loadModel`: how model files are loaded (default ONNX Runtime's; a test may wrap it). */
  static async start(config: ScorerConfig, log: Logger, ports: ServicePorts = {}): Promise<ScorerService> {
    const service = new ScorerService(config, log, ports);
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

    const { spec, model } = await loadSpecAndModel(config, this.#ports.loadModel);
    metrics.setModelVersion(model.info.version);
    this.#log.info({ model: model.info.version, spec: spec.version, path: config.modelPath }, 'model loaded');

    let lastModelError = 0;
    const quality = new LiveQuality({
      ...config.quality,
      thresholdsOf: (version) => this.#models?.thresholdsOf(version),
    });
    const { codecs, features, batcher, pipeline, policyFor, drift } = composeScoring(config, spec, model, {
      nowMs,
      trackChanges: true,
      onDecided: (decision) => {
        quality.record(decision);
        metrics.decided(decision);
      },
      timing: {
        nowUs: () => performance.now() * 1000,
        onModelCall: (rows, us) => {
          metrics.recordLatency('model_call', us);
          metrics.recordLatency('model_row', us / rows, rows);
        },
        onChallengerCall: (outcome, rows, us) => metrics.challengerCall(outcome, rows, us),
      },
      onModelError: (error) => {
        // At most one line a second: a broken model fails every batch.
        if (Date.now() - lastModelError > 1000)
          this.#log.error({ err: errorMessage(error) }, 'model failed: deciding by rules');
        lastModelError = Date.now();
      },
    });
    metrics.setDriftSource(() => drift.report());
    const models = new ModelAdmin(
      {
        batcher,
        load: candidateLoader(spec, policyFor, this.#ports.loadModel),
        warmUp: { rows: config.batchMaxRows, calls: 3 },
        metrics,
        log: this.#log,
      },
      model,
    );
    this.#models = models;
    // Closers run in reverse: the models are closed after the batcher has stopped.
    this.#closers.push({ name: 'models', close: () => models.close() });
    this.#closers.push({ name: 'batcher', close: () => Promise.resolve(batcher.close()) });
    if (config.challengerModelPath !== null) {
      const change = await models.setChallenger(config.challengerModelPath);
      if (!change.ok) throw new ScorerError('BAD_CONFIG', `challenger ${config.challengerModelPath}: ${change.reason}`);
    }
    const reportSizes = () => metrics.setStateSizes(features.cards.size, features.terminals.cells);
    reportSizes();
    const sizes = setInterval(reportSizes, config.metricsIntervalMs);
    sizes.unref();
    this.#closers.push({ name: 'state sizes', close: () => Promise.resolve(clearInterval(sizes)) });

    const base = await clientOptions(config, config.clientId);
    // Idempotent: a retried produce never writes a decision twice, so it may retry for the whole delivery timeout.
    const producer = new Producer({
      ...base,
      retries: retriesWithin(config.deliveryTimeoutMs),
      idempotent: true,
      autocreateTopics: false,
    });
    this.#closers.push({ name: 'producer', close: () => producer.close() });
    producer.on('client:broker:disconnect', () => (this.#brokerReachable = false));
    producer.on('client:broker:connect', () => (this.#brokerReachable = true));
    const admin = new Admin(base);
    this.#closers.push({ name: 'admin', close: () => admin.close() });
    // Reads the counts topic's offsets: a partition taken over waits until the topic is read to its end.
    const offsetsReader = this.#groupMember(base, `${config.groupId}-offsets-${uniqueSuffix()}`, 'offsets');
    const topicOffsets = consumerTopicOffsets(offsetsReader.consumer);
    // The inputs belong to their producers: a missing one is a configuration fault, said at once (as Kafka
    // Streams does), not a consumer waiting forever. The outputs are the scorer's own: created when missing,
    // decisions and dead letters partitioned like the input.
    const inputPartitions = await requireTopics(admin, topicOffsets, [
      config.topics.transactions,
      config.topics.labels,
    ]);
    await createMissingTopics(
      admin,
      offsetsReader.consumer,
      [
        { name: config.topics.decisions, partitions: inputPartitions },
        { name: config.topics.deadLetters, partitions: inputPartitions },
        { name: config.topics.terminalCounts, partitions: inputPartitions, compacted: true },
        { name: config.topics.cardState, partitions: inputPartitions, compacted: true },
      ],
      config.replicationFactor,
    );
    this.#brokerReachable = true;
    const decisionPartitions = (await topicOffsets.range(config.topics.decisions)).end.length;
    const countsPartitions = (await topicOffsets.range(config.topics.terminalCounts)).end.length;
    const changelogPartitions = (await topicOffsets.range(config.topics.cardState)).end.length;
    if (changelogPartitions !== inputPartitions) {
      throw new ScorerError(
        'BAD_CONFIG',
        `the card-state changelog ${config.topics.cardState} has ${changelogPartitions} partitions and ` +
          `${config.topics.transactions} ${inputPartitions}: it must be partitioned like the input`,
      );
    }
    const sinkOptions: SinkOptions = {
      maxRequestBytes: config.output.maxMessageBytes,
      // Records that name their partition: decisions (when co-partitioned), card state and terminal counts.
      copartitioned: new Set([
        ...(decisionPartitions === inputPartitions ? [config.topics.decisions] : []),
        config.topics.cardState,
        config.topics.terminalCounts,
      ]),
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
    };
    const sink = new KafkaSink(producer, sinkOptions);

    const counts = new TerminalCountsSync(features.terminals, config.topics.terminalCounts, this.#log, {
      partitions: countsPartitions,
    });
    // The counts and the labels are read whole at every start, by assignment (no consumer group: nothing to
    // commit, skip or leave behind), and followed from then on.
    // A reader each: a consumer keeps one fetch session per broker (KIP-227), and two readers fetching at once
    // through one consumer broke each other's session (INVALID_FETCH_SESSION_EPOCH, eleven failed fetches a time).
    const countsFollower = new TopicFollower(
      this.#groupMember(base, `${config.groupId}-counts-${uniqueSuffix()}`, 'terminal counts consumer').consumer,
      config.topics.terminalCounts,
      (p, r) => counts.applyBatch(p, r),
      this.#log,
    );
    countsFollower.start();
    this.#closers.push({ name: 'terminal counts reader', close: () => countsFollower.close() });
    const sweep = setInterval(() => counts.sweep(), 1000);
    sweep.unref();
    this.#closers.push({ name: 'terminal counts sweep', close: () => Promise.resolve(clearInterval(sweep)) });
    const applyLabel = (label: Label) => {
      features.applyLabel(label);
      quality.label(label.transactionId);
    };
    const reportQuality = setInterval(() => metrics.setQuality(quality.report()), config.quality.intervalMs);
    reportQuality.unref();
    this.#closers.push({ name: 'live quality', close: () => Promise.resolve(clearInterval(reportQuality)) });
    const labelsFollower = new TopicFollower(
      this.#groupMember(base, `${config.groupId}-labels-${uniqueSuffix()}`, 'labels consumer').consumer,
      config.topics.labels,
      labelApplier(codecs, applyLabel, sink, config.topics.deadLetters, metrics, {
        limits: config.limits,
        output: config.output,
        nowMs,
      }),
      this.#log,
    );
    labelsFollower.start();
    this.#closers.push({ name: 'labels reader', close: () => labelsFollower.close() });
    this.#readToEnd = async () => {
      await Promise.all([labelsFollower.caughtUp(CATCH_UP_TIMEOUT_MS), countsFollower.caughtUp(CATCH_UP_TIMEOUT_MS)]);
    };
    // A card reported before the start counts as reported from the first transaction on, and every other
    // partition's terminal counts are in: nothing is scored before both topics are read to where they end now.
    const began = Date.now();
    for (;;) {
      try {
        await this.#readToEnd();
        break;
      } catch (error) {
        if (this.#stopping !== undefined) return;
        this.#log.warn({ err: errorMessage(error) }, 'labels and terminal counts not read to the end yet: waiting');
      }
    }
    this.#log.info({ tookMs: Date.now() - began }, 'labels and terminal counts read to the end');

    const changelog = new CardStateChangelog(
      features,
      counts,
      offsetsReader.consumer,
      config.topics.cardState,
      this.#log,
      metrics,
    );

    const input = this.#groupMember(base, config.groupId, 'transactions consumer', false, config.groupInstanceId);
    input.consumer.on('consumer:group:join', () => (this.#consumerJoined = true));
    input.consumer.on('consumer:group:leave', () => (this.#consumerJoined = false));
    if (config.delivery === 'exactly-once') {
      const transactionalId = `${config.groupId}.${config.instanceId}`;
      const txns = new KafkaTransactions(
        () =>
          new Producer({
            ...base,
            retries: retriesWithin(config.deliveryTimeoutMs),
            idempotent: true,
            transactionalId,
            // A new producer: the client's default (id 0, epoch 0) reads to the coordinator as producer 0 asking for
            // an epoch bump, which it refuses with PRODUCER_FENCED once the transactional id has a history (every
            // restart, every new producer after an abort). -1/-1 is how the Java client asks for a fresh one.
            producerId: -1n,
            producerEpoch: -1,
            autocreateTopics: false,
          }),
        () => input.consumer,
        config.topics.transactions,
        sinkOptions,
      );
      const judge = new AbortJudge(FENCED_AGAIN_WITHIN_MS);
      this.#window = new TransactionWindow({
        intervalMs: config.transaction.intervalMs,
        maxRecords: config.transaction.maxRecords,
        begin: () => txns.begin(),
        onCommitted: () => metrics.commit('ok'),
        onAborted: (error) => {
          const verdict = judge.judge(error, Date.now());
          if (verdict === 'stop') return this.#fail(error);
          if (verdict === 'fenced') {
            this.#log.warn(
              { ids: errorIds(error) },
              'producer fenced: the coordinator aborted a transaction of ours (open past its timeout, or another ' +
                'instance has our transactional id); a new producer takes over',
            );
          }
          this.#source?.aborted(error);
        },
      });
      // Closed after the source's last commit (closers run in reverse).
      this.#closers.push({ name: 'transactional producer', close: () => txns.close() });
      await txns.init();
    }
    const source = new TransactionSource(
      input.member(config.topics.transactions, 'committed'),
      pipeline,
      sink,
      metrics,
      this.#log,
      {
        topic: config.topics.transactions,
        chunkSize: 256,
        commitIntervalMs: 200,
        maxUnackedChunks: 32,
        revokeWaitMs: REBALANCE_TIMEOUT_MS / 4,
        nowMs,
        onFatal: (error) => this.#fail(error),
        state: changelog,
        ...(this.#window !== undefined ? { transactions: this.#window } : {}),
      },
    );
    this.#source = source;
    // Closed first on stop: stop fetching, let the batches in hand finish, commit, then the producer and the rest.
    this.#closers.push({ name: 'transactions consumer', close: () => source.close() });
    await source.start();

    const app = createDashboardApp({
      metrics,
      admin: { token: config.admin.token, remote: config.admin.remote, models },
      registry: createMetricsRegistry(metrics),
      readiness: () => ({
        consumerJoined: this.#consumerJoined,
        // A member with no partitions (more members than partitions, or mid-rebalance) serves nothing.
        assigned: (this.#source?.assigned.length ?? 0) > 0,
        restored: this.#source?.restoring !== true,
        modelLoaded: this.#models !== undefined,
        brokerReachable: this.#brokerReachable,
      }),
    });
    const http = await listen(app, config.http.host, config.http.port);
    this.#http = http;
    this.#closers.push({ name: 'http', close: () => http.close() });
    this.#state = 'running';
    this.#log.info(
      { url: http.url, group: config.groupId, topic: config.topics.transactions, delivery: config.delivery },
      'scorer running',
    );
  }

  /**
   * A consumer of group `groupId` and a way to make it the group member on one topic. Unless `closedBySource`
   * (the transactions source closes its own member, after its last commit), it is closed with the service.
   */
  #groupMember(base: BaseOptions, groupId: string, name: string, closedBy = true, groupInstanceId?: string) {
    const consumer = new Consumer({
      ...base,
      groupId,
      ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
      autocommit: false,
      maxWaitTime: FETCH_WAIT_MS,
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: SESSION_TIMEOUT_MS / 5,
    });
    let member: KafkaGroupMember | undefined;
    if (closedBy) this.#closers.push({ name, close: () => member?.close() ?? consumer.close(true) });
    return {
      consumer,
      member: (topic: string, from: KafkaGroupMemberOptions['from']) =>
        (member = new KafkaGroupMember(consumer, topic, { ...GROUP_TIMING, from }, this.#log)),
    };
  }

  /**
   * SIGHUP: the model files at the configured paths again (the champion's, and the challenger's if one is
   * configured), each swapped in after the same checks as at start; a refused one leaves the serving one.
   */
  async reloadModels(): Promise<void> {
    const models = this.#models;
    if (models === undefined || this.#state !== 'running') return;
    await models.swapChampion(this.#config.modelPath);
    if (this.#config.challengerModelPath !== null) await models.setChallenger(this.#config.challengerModelPath);
  }

  #fail(error: unknown): void {
    // Every send and batch waiting on a broken producer fails alike: the first failure is the one to report.
    if (this.#failure !== undefined || this.#state === 'failed' || this.#state === 'stopped') return;
    this.#failure = error;
    // Stopping without committing: in exactly-once a transaction begun on the way out would also open a producer,
    // which fences any other instance with our transactional id.
    this.#window?.close(error);
    this.#log.error(
      {
        err: errorMessage(error),
        code: (error as { code?: string }).code,
        ids: errorIds(error),
        cause: innermostMessage(error),
      },
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

/** Keeps the group of one start apart from every other's. */
function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
