import { createSchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { SchemaCodecs } from '../../../schemas/src/codecs.ts';
import type { Decision } from '../../../schemas/src/types.ts';
import type { FeatureSpec } from './core/features/feature-spec.ts';
import { FeatureState } from './core/features/feature-state.ts';
import type { ModelInfo, ModelPort } from './core/model-port.ts';
import type { PolicyConfig } from './core/policy/policy-config.ts';
import { FeatureDriftMonitor } from './core/quality/feature-drift.ts';
import { MicroBatcher } from './core/scoring/micro-batcher.ts';
import type { MicroBatcherOptions } from './core/scoring/micro-batcher.ts';
import { ScoringPipeline } from './core/scoring/pipeline.ts';
import { policyConfigOf } from './config.ts';
import type { ScorerConfig } from './config.ts';
import { readFeatureSpec } from './export/read-feature-spec.ts';
import { loadOnnxModel } from './model/onnx-model.ts';
import type { ExpectedFeatures, ModelLoader } from './model/onnx-model.ts';

/** The feature spec and the model a configuration names, the model checked against the spec's names and version. */
export async function loadSpecAndModel(
  config: Pick<ScorerConfig, 'featureSpecPath' | 'modelPath'>,
  load: ModelLoader = loadOnnxModel,
): Promise<{ spec: FeatureSpec; model: ModelPort }> {
  const spec = await readFeatureSpec(config.featureSpecPath);
  return { spec, model: await load(config.modelPath, expectedFeatures(spec)) };
}

/** What a model must have been trained on to serve with this spec. */
function expectedFeatures(spec: FeatureSpec): ExpectedFeatures {
  return { featureNames: spec.features.map((f) => f.name), specVersion: spec.version };
}

/**
 * Loads a model to replace or shadow the serving one: checked against the feature spec like the first, and its
 * thresholds must make a valid policy (`policyFor`) (BAD_CONFIG otherwise; the model is closed).
 */
export function candidateLoader(
  spec: FeatureSpec,
  policyFor: (model: ModelInfo) => PolicyConfig,
  load: ModelLoader = loadOnnxModel,
): (path: string) => Promise<ModelPort> {
  return async (path) => {
    const model = await load(path, expectedFeatures(spec));
    try {
      policyFor(model.info);
    } catch (error) {
      await model.close();
      throw error;
    }
    return model;
  };
}

/** What the scoring core needs from the process around it: the clock and where its observations go. */
export interface ScoringEdges {
  /** Wall-clock epoch milliseconds (Kafka timestamps are epoch ms). */
  readonly nowMs: () => number;
  /** Times each model call (the service's histograms); none: untimed. */
  readonly timing?: MicroBatcherOptions['timing'];
  /** Told once per batch the model could not score (the batch is decided by rules alone). */
  readonly onModelError?: (error: unknown) => void;
  /** Told every decision made (live quality). */
  readonly onDecided?: (decision: Decision) => void;
  /** Keep the changed cards for the card-state changelog (the service does; benchmarks of the core do not). */
  readonly trackChanges?: boolean;
}

export interface ScoringCore {
  readonly codecs: SchemaCodecs;
  /** The policy of each champion (its thresholds unless configured). */
  readonly policyFor: (model: ModelInfo) => PolicyConfig;
  /** The policy of the champion it started with. */
  readonly policy: PolicyConfig;
  readonly features: FeatureState;
  readonly batcher: MicroBatcher;
  readonly pipeline: ScoringPipeline;
  /** The scored rows' drift from the serving champion's training rows. */
  readonly drift: FeatureDriftMonitor;
}

/**
 * The scoring core of one scorer process, wired as `config` says: codecs, card and terminal state, the
 * micro-batched model, the policy (the model's thresholds unless configured), the pipeline step over them and
 * the drift of the rows it scores.
 * The service runs it between Kafka's input and output; the stage benchmark runs the same one without Kafka.
 * Closing the batcher (`batcher.close()`) is the caller's.
 */
export function composeScoring(
  config: ScorerConfig,
  spec: FeatureSpec,
  model: ModelPort,
  edges: ScoringEdges,
): ScoringCore {
  const codecs = createSchemaCodecs();
  const policyFor = policyOfModels(config);
  const policy = policyFor(model.info);
  const features = new FeatureState(spec, { trackChanges: edges.trackChanges ?? false });
  const batcher = new MicroBatcher(model, {
    maxRows: config.batchMaxRows,
    maxWaitMs: config.batchMaxWaitMs,
    challengerBudgetUs: config.challengerBudgetUs,
    ...(edges.timing === undefined ? {} : { timing: edges.timing }),
  });
  const drift = new FeatureDriftMonitor(features.width, config.drift);
  let driftChampion: ModelInfo | null = null;
  const pipeline = new ScoringPipeline({
    codecs,
    features,
    model: batcher,
    policyFor,
    topics: { decisions: config.topics.decisions, deadLetters: config.topics.deadLetters },
    deadlineMs: config.deadlineMs,
    nowMs: edges.nowMs,
    limits: config.limits,
    output: config.output,
    ...(edges.onModelError === undefined ? {} : { onModelError: edges.onModelError }),
    ...(edges.onDecided === undefined ? {} : { onDecided: edges.onDecided }),
    onScored: (rows, count, champion) => {
      // A new champion brings its own training histograms.
      if (champion !== driftChampion) drift.setReference(champion.version, (driftChampion = champion).driftReference);
      drift.observe(rows, count);
    },
    explain: config.explain,
  });
  return { codecs, policyFor, policy, features, batcher, pipeline, drift };
}

/**
 * The policy of each model under this configuration (`policyConfigOf`: a configured threshold overrides the
 * model's), worked out once per model. Throws BAD_CONFIG for a model whose thresholds make no valid policy.
 */
export function policyOfModels(config: ScorerConfig): (model: ModelInfo) => PolicyConfig {
  const known = new WeakMap<ModelInfo, PolicyConfig>();
  return (model) => {
    let policy = known.get(model);
    if (policy === undefined) known.set(model, (policy = policyConfigOf(config, model.thresholds)));
    return policy;
  };
}
