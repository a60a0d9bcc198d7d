import { performance } from 'node:perf_hooks';
import type { SchemaCodecs } from '../../../../schemas/src/codecs.ts';
import type { Transaction } from '../../../../schemas/src/types.ts';
import { FeatureState } from '../core/features/feature-state.ts';
import type { FeatureSpec } from '../core/features/feature-spec.ts';
import type { ModelPort } from '../core/model-port.ts';
import { decide } from '../core/policy/decide.ts';
import type { PolicyOutcome } from '../core/policy/decide.ts';
import type { PolicyConfig } from '../core/policy/policy-config.ts';
import { DEFAULT_CHALLENGER_BUDGET_US } from '../core/scoring/micro-batcher.ts';
import type { ChallengerOutcome } from '../core/scoring/micro-batcher.ts';
import type { InRecord } from '../core/scoring/records.ts';
import { validateTransaction } from '../core/validate.ts';
import type { ScorerConfig } from '../config.ts';
import { explainRow } from '../core/explain/top-contributions.ts';
import { FeatureDriftMonitor } from '../core/quality/feature-drift.ts';
import { composeScoring } from '../scoring-core.ts';
import type { BenchInput } from './bench-input.ts';

export interface StageDeps {
  /** The scorer's configuration: `pipeline()` runs the scoring core the service would compose from it. */
  readonly config: ScorerConfig;
  readonly codecs: SchemaCodecs;
  readonly spec: FeatureSpec;
  readonly model: ModelPort;
  /** A second model to shadow `model` in `pipeline({ challenger: true })`. */
  readonly challenger?: ModelPort;
  readonly policy: PolicyConfig;
  readonly input: BenchInput;
}

/** What one `pipeline()` run did: undegraded decisions, and the rows each challenger outcome covered. */
export interface PipelineRun {
  readonly decided: number;
  readonly challenger: Readonly<Record<ChallengerOutcome, number>>;
  /** Challenger calls slower than the service's default budget, which the bench's own budget lets pass. */
  readonly challengerOverBudget: number;
}

/** Records handed to the pipeline at a time, as the Kafka source does. */
const CHUNK = 256;
const nowMs = () => performance.timeOrigin + performance.now();
const nowUs = () => performance.now() * 1000;

/**
 * One pass over the first `n` transactions, stage by stage, each stage reading what the one before produced
 * (decoded transactions → rows → scores → verdicts), so every stage works on real data in stream order.
 * Feature state is fresh per pass: running the same event times through one state twice would go back in time.
 */
export class StageRunner {
  readonly #deps: StageDeps;
  readonly #n: number;
  readonly #width: number;
  readonly #decoded: Transaction[];
  readonly #rows: Float32Array;
  readonly #scores: Float32Array;
  readonly #verdicts: PolicyOutcome[];
  readonly #out: Buffer[];
  #records: InRecord[] = [];

  constructor(deps: StageDeps, n: number) {
    this.#deps = deps;
    this.#n = n;
    this.#width = deps.spec.features.length;
    this.#decoded = new Array<Transaction>(n);
    this.#rows = new Float32Array(n * this.#width);
    this.#scores = new Float32Array(n);
    this.#verdicts = new Array<PolicyOutcome>(n);
    this.#out = new Array<Buffer>(n);
  }

  decode(): void {
    const { codecs, input } = this.#deps;
    for (let i = 0; i < this.#n; i++) this.#decoded[i] = codecs.transaction.decode(input.encoded[i]!);
  }

  validate(): void {
    const now = Date.now();
    for (let i = 0; i < this.#n; i++) validateTransaction(this.#decoded[i]!, now);
  }

  /** Labels due before a transaction are applied just before it, as the export does (a tiny share of the cost). */
  features(): void {
    const state = new FeatureState(this.#deps.spec);
    const labelsBefore = this.#deps.input.labelsBefore;
    for (let i = 0; i < this.#n; i++) {
      for (const label of labelsBefore[i]!) state.applyLabel(label);
      state.extract(this.#decoded[i]!, this.#rows, i * this.#width);
    }
  }

  /** Scores the first `rows` rows in model calls of `batch` rows. */
  async model(batch: number, rows = this.#n): Promise<void> {
    const w = this.#width;
    for (let at = 0; at < rows; at += batch) {
      const count = Math.min(batch, rows - at);
      await this.#deps.model.score(this.#rows.subarray(at * w, (at + count) * w), count, this.#scores.subarray(at));
    }
  }

  /**
   * The champion's explanation (TreeSHAP, the configured top features) of the first `rows` rows, whatever their
   * verdict; returns how many were explained (0 for a model without node counts).
   */
  explain(rows: number): number {
    const explainer = this.#deps.model.info.explainer;
    if (explainer === null) return 0;
    const { featureNames } = this.#deps.model.info;
    const scratch = new Float64Array(this.#width);
    const top = Math.max(1, this.#deps.config.explain.top);
    for (let i = 0; i < rows; i++) explainRow(explainer, featureNames, this.#rows, i * this.#width, top, scratch);
    return rows;
  }

  /** The service's feature-drift window over every row, in chunks of 64 as the pipeline hands them over. */
  drift(): number {
    const { config, spec, model } = this.#deps;
    const monitor = new FeatureDriftMonitor(spec.features.length, config.drift);
    monitor.setReference(model.info.version, model.info.driftReference);
    for (let at = 0; at < this.#n; at += 64) {
      const rows = Math.min(64, this.#n - at);
      monitor.observe(this.#rows.subarray(at * this.#width, (at + rows) * this.#width), rows);
    }
    return monitor.report().features.length;
  }

  /** Rows the policy flagged (REVIEW or DECLINE): the ones the service explains. */
  flagged(): number {
    let n = 0;
    for (let i = 0; i < this.#n; i++) if (this.#verdicts[i]!.action !== 'APPROVE') n++;
    return n;
  }

  policy(): void {
    const policy = this.#deps.policy;
    for (let i = 0; i < this.#n; i++) this.#verdicts[i] = decide(this.#scores[i]!, this.#rows, i * this.#width, policy);
  }

  /** The decision record as the pipeline builds it, Avro-encoded and framed. */
  encode(): void {
    const { codecs, model } = this.#deps;
    const decidedAt = Date.now();
    for (let i = 0; i < this.#n; i++) {
      const tx = this.#decoded[i]!;
      const v = this.#verdicts[i]!;
      this.#out[i] = codecs.decision.encode({
        transactionId: tx.transactionId,
        cardId: tx.cardId,
        action: v.action,
        score: v.score,
        reasons: [...v.reasons],
        modelVersion: model.info.version,
        degraded: v.degraded,
        eventTime: tx.eventTime,
        decidedAt,
        latencyUs: 250,
        challenger: null,
        explanation: null,
      });
    }
  }

  /** The Kafka-shaped input of `pipeline()`, built off the clock. */
  preparePipeline(): void {
    const timestamp = Date.now();
    const encoded = this.#deps.input.encoded;
    this.#records = Array.from({ length: this.#n }, (_, i) => ({
      topic: 'transactions',
      partition: 0,
      offset: String(i),
      timestamp,
      key: null,
      value: encoded[i]!,
      headers: [],
    }));
  }

  /**
   * The whole step of one partition without Kafka: the service's scoring core (`composeScoring`: ScoringPipeline
   * over the MicroBatcher and the real model, as configured, each model call timed as the service times it) over
   * chunks of 256 records; with `challenger`, the deps' challenger shadows the model; `explain: false` turns
   * explanations off (they are as configured otherwise). Returns the decisions that
   * were not degraded and the rows of each challenger outcome.
   */
  async pipeline(options: { readonly challenger?: boolean; readonly explain?: boolean } = {}): Promise<PipelineRun> {
    const { spec, model, input } = this.#deps;
    const config =
      options.explain === false
        ? { ...this.#deps.config, explain: { ...this.#deps.config.explain, top: 0 } }
        : this.#deps.config;
    const rows: Record<ChallengerOutcome, number> = { scored: 0, failed: 0, slow: 0, paused: 0 };
    let overBudget = 0;
    const timing = {
      nowUs,
      onModelCall: () => {},
      onChallengerCall: (outcome: ChallengerOutcome, n: number, micros: number) => {
        rows[outcome] += n;
        if (micros > DEFAULT_CHALLENGER_BUDGET_US) overBudget++;
      },
    };
    const { features, batcher, pipeline } = composeScoring(config, spec, model, { nowMs, timing });
    let decided = 0;
    try {
      if (options.challenger === true) {
        if (this.#deps.challenger === undefined) throw new Error('no challenger model given');
        await batcher.setChallenger(this.#deps.challenger);
      }
      for (let at = 0; at < this.#n; at += CHUNK) {
        const end = Math.min(at + CHUNK, this.#n);
        // The labels consumer may run ahead: a label counts from its reportedAt whenever it is applied.
        for (let i = at; i < end; i++) for (const label of input.labelsBefore[i]!) features.applyLabel(label);
        for (const o of await pipeline.process(this.#records.slice(at, end), nowMs())) {
          if (o.kind === 'decision' && !o.degraded) decided++;
        }
      }
    } finally {
      batcher.close();
    }
    return { decided, challenger: rows, challengerOverBudget: overBudget };
  }
}
