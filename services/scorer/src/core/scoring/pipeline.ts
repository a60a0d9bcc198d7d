import type { SchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import type { Decision, Transaction } from '../../../../../schemas/src/types.ts';
import { explainRow } from '../explain/top-contributions.ts';
import { decide, decideDegraded } from '../policy/decide.ts';
import { OutputError } from '../../errors.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS, maxUtf8Bytes } from '../limits.ts';
import type { InputLimits, OutputLimits } from '../limits.ts';
import type { ModelInfo } from '../model-port.ts';
import type { PolicyConfig } from '../policy/policy-config.ts';
import { validateTransaction } from '../validate.ts';
import { deadLetter } from './dead-letter.ts';
import type { ScoredBy } from './micro-batcher.ts';
import type { InRecord, Outcome, RecordHeaders } from './records.ts';

/**
 * What the pipeline needs of the feature state (`FeatureState`): the features of one transaction into
 * `out[offset..offset+width)`, updating the card's state; `partition` is the input partition the transaction
 * came from (it owns the transaction's share of the terminal counts).
 */
export interface FeatureRows {
  readonly width: number;
  extract(tx: Transaction, out: Float32Array, offset: number, partition: number): void;
}

export interface PipelineDeps {
  readonly codecs: SchemaCodecs;
  readonly features: FeatureRows;
  /** The micro-batched models (`MicroBatcher`): the champion's scores, the challenger's beside them. */
  readonly model: {
    /** The champion serving now: it names the decisions that the rules make alone. */
    readonly serving: ModelInfo;
    score(features: Float32Array, rows: number, out: Float32Array, challengerOut: Float32Array): Promise<ScoredBy>;
  };
  /**
   * Thresholds, hard rules and the fail mode of `decide` / `decideDegraded` for decisions of this champion: the
   * thresholds come with the model (unless configured), so they swap with it.
   */
  readonly policyFor: (model: ModelInfo) => PolicyConfig;
  readonly topics: { readonly decisions: string; readonly deadLetters: string };
  readonly deadlineMs: number;
  readonly nowMs: () => number;
  /** Bounds on ids, amounts and event times (default `DEFAULT_INPUT_LIMITS`). */
  readonly limits?: InputLimits;
  /** Bounds on decisions and dead letters, so the broker accepts them (default `DEFAULT_OUTPUT_LIMITS`). */
  readonly output?: OutputLimits;
  /** Told once per batch in which the model could not be used, with the reason. */
  readonly onModelError?: (error: unknown) => void;
  /** Told every decision made (before it is sent: a retried transaction's decisions come again). */
  readonly onDecided?: (decision: Decision) => void;
  /**
   * Explanations (the champion's TreeSHAP, `top` features) on REVIEW and DECLINE decisions the model scored, and
   * on APPROVE ones too when `approvals`; none when absent or `top` is 0.
   */
  readonly explain?: { readonly top: number; readonly approvals: boolean };
  /** Told the feature rows of each batch the model scored (`rows` × width, row-major) and the champion that did. */
  readonly onScored?: (features: Float32Array, rows: number, champion: ModelInfo) => void;
}

/** Decisions carry no headers; one shared empty list instead of one per record (the sink only reads it). */
const NO_HEADERS: RecordHeaders = Object.freeze([]);
/** A decision record's framing and its key's length varint, at their widest (the batch header included). */
const DECISION_OVERHEAD = 128;

/**
 * One step of the pipeline over the records of one partition, in order: decode → validate → features →
 * model (micro-batched with other partitions) → policy → encode. Every input record yields exactly one
 * outcome: a decision, or a dead letter naming the stage that failed. Nothing here touches Kafka.
 */
export class ScoringPipeline {
  readonly #deps: PipelineDeps;
  readonly #limits: InputLimits;
  readonly #output: OutputLimits;
  readonly #explainTop: number;
  readonly #explainApprovals: boolean;
  readonly #scratch: Float64Array;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#explainTop = deps.explain?.top ?? 0;
    this.#explainApprovals = deps.explain?.approvals ?? false;
    this.#scratch = new Float64Array(deps.features.width);
    this.#limits = deps.limits ?? DEFAULT_INPUT_LIMITS;
    this.#output = deps.output ?? DEFAULT_OUTPUT_LIMITS;
  }

  async process(records: readonly InRecord[], receivedAtMs: number): Promise<Outcome[]> {
    const { codecs, features, topics } = this.#deps;
    const limits = this.#limits;
    const output = this.#output;
    const width = features.width;
    const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(records.length);
    const txs: Transaction[] = [];
    const slots: number[] = [];
    const rows = new Float32Array(records.length * width);
    const now = this.#deps.nowMs();

    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      let stage = 'decode';
      try {
        if (record.value === null)
          throw Object.assign(new Error('record has no value (tombstone)'), { code: 'NO_VALUE' });
        const tx = codecs.transaction.decode(record.value);
        stage = 'validate';
        validateTransaction(tx, now, limits);
        stage = 'features';
        features.extract(tx, rows, txs.length * width, record.partition);
        txs.push(tx);
        slots.push(i);
      } catch (error) {
        outcomes[i] = {
          kind: 'dead-letter',
          record: deadLetter(record, topics.deadLetters, stage, error, output),
          stage,
          timestamp: record.timestamp,
        };
      }
    }

    const scores = new Float32Array(txs.length);
    const challengerScores = new Float32Array(txs.length);
    let modelOk = txs.length > 0;
    let by: ScoredBy = { champion: this.#deps.model.serving, challenger: null };
    const anyInTime = slots.some((i) => now <= records[i]!.timestamp + this.#deps.deadlineMs);
    if (modelOk && anyInTime) {
      try {
        by = await this.#deps.model.score(rows, txs.length, scores, challengerScores);
        // Inside the try: were the observer to throw, the batch is decided by rules (degraded), never lost.
        this.#deps.onScored?.(rows, txs.length, by.champion);
      } catch (error) {
        modelOk = false;
        this.#deps.onModelError?.(error);
      }
    }

    const decidedAt = this.#deps.nowMs();
    const policy = this.#deps.policyFor(by.champion);
    const explainer = this.#explainTop > 0 ? by.champion.explainer : null;
    for (let k = 0; k < txs.length; k++) {
      const i = slots[k]!;
      const record = records[i]!;
      const tx = txs[k]!;
      const inTime = decidedAt <= record.timestamp + this.#deps.deadlineMs;
      const scored = modelOk && anyInTime && inTime;
      const verdict = scored ? decide(scores[k]!, rows, k * width, policy) : decideDegraded(rows, k * width, policy);
      const challengerScore = challengerScores[k]!;
      const decision: Decision = {
        transactionId: tx.transactionId,
        cardId: tx.cardId,
        action: verdict.action,
        score: verdict.score,
        // Read only by the encoder: the policy's shared frozen arrays need no copy.
        reasons: verdict.reasons as string[],
        modelVersion: by.champion.version,
        degraded: verdict.degraded,
        eventTime: tx.eventTime,
        decidedAt: Math.floor(decidedAt),
        latencyUs: Math.max(0, Math.round((decidedAt - receivedAtMs) * 1000)),
        challenger:
          scored && by.challenger !== null && !Number.isNaN(challengerScore)
            ? { modelVersion: by.challenger.version, score: challengerScore }
            : null,
        explanation:
          explainer !== null && scored && (this.#explainApprovals || verdict.action !== 'APPROVE')
            ? explainRow(explainer, by.champion.featureNames, rows, k * width, this.#explainTop, this.#scratch)
            : null,
      };
      let value: Buffer;
      try {
        value = codecs.decision.encode(decision);
        // The ids are bounded by validation, so this only fires when the limits are configured inconsistently.
        if (value.length + maxUtf8Bytes(tx.cardId.length) + DECISION_OVERHEAD > output.maxMessageBytes) {
          throw new OutputError('DECISION_TOO_LARGE', `the decision would exceed ${output.maxMessageBytes} bytes`);
        }
      } catch (error) {
        outcomes[i] = {
          kind: 'dead-letter',
          record: deadLetter(record, topics.deadLetters, 'encode', error, output),
          stage: 'encode',
          timestamp: record.timestamp,
        };
        continue;
      }
      this.#deps.onDecided?.(decision);
      outcomes[i] = {
        kind: 'decision',
        record: { topic: topics.decisions, key: tx.cardId, value, headers: NO_HEADERS, partition: record.partition },
        action: verdict.action,
        degraded: verdict.degraded ? (modelOk ? 'deadline' : 'model-failed') : null,
        timestamp: record.timestamp,
      };
    }
    return outcomes as Outcome[];
  }
}
