import { readFile } from 'node:fs/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelInfo, ModelPort } from '../core/model-port.ts';
import { ScorerError, errorMessage } from '../errors.ts';
import { parseDriftReference } from '../core/quality/feature-drift.ts';
import type { DriftReference } from '../core/quality/feature-drift.ts';
import { TreeShap } from '../core/explain/tree-shap.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { readTreeEnsemble } from './onnx-trees.ts';

export interface ExpectedFeatures {
  readonly featureNames: readonly string[];
  readonly specVersion: string;
}

/** How the scorer gets a model from a file (`loadOnnxModel`; tests may wrap it). */
export type ModelLoader = (path: string, expected: ExpectedFeatures) => Promise<ModelPort>;

const INPUT = 'features';
const OUTPUT = 'probabilities';

/**
 * Loads the model and checks its metadata against the feature spec the scorer computes: a model trained on
 * other features, in another order or from another spec version would score garbage, so it stops start-up.
 */
export async function loadOnnxModel(path: string, expected: ExpectedFeatures): Promise<ModelPort> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ScorerError('MODEL_LOAD_FAILED', `cannot read model ${path}: ${errorMessage(error)}`);
  }
  const info = await modelInfo(path, bytes, readOnnxMetadata(bytes), expected);
  let session: InferenceSession;
  try {
    // One thread: the scorer scales by instances (one per core), not by threads inside one inference.
    session = await InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new ScorerError('MODEL_LOAD_FAILED', `onnxruntime cannot load ${path}: ${errorMessage(error)}`);
  }
  if (!session.inputNames.includes(INPUT) || !session.outputNames.includes(OUTPUT)) {
    throw new ScorerError(
      'MODEL_MISMATCH',
      `model ${path} must have input '${INPUT}' and output '${OUTPUT}' (has ${session.inputNames.join(',')} → ${session.outputNames.join(',')})`,
    );
  }
  const model = new OnnxModel(session, info);
  // The first run allocates and initialises kernels (tens to hundreds of ms): pay that before traffic, not on it.
  await model.score(new Float32Array(info.featureNames.length), 1, new Float32Array(1));
  return model;
}

async function modelInfo(
  path: string,
  bytes: Uint8Array,
  meta: Map<string, string>,
  expected: ExpectedFeatures,
): Promise<ModelInfo> {
  const need = (key: string): string => {
    const value = meta.get(key);
    if (value === undefined || value === '') {
      throw new ScorerError('MODEL_MISMATCH', `model ${path} lacks metadata '${key}'`);
    }
    return value;
  };
  let featureNames: unknown;
  try {
    featureNames = JSON.parse(need('feature_names'));
  } catch (error) {
    if (error instanceof ScorerError) throw error;
    throw new ScorerError('MODEL_MISMATCH', `model ${path}: metadata feature_names is not JSON`);
  }
  if (!Array.isArray(featureNames) || !featureNames.every((n) => typeof n === 'string')) {
    throw new ScorerError('MODEL_MISMATCH', `model ${path}: metadata feature_names is not a list of names`);
  }
  const specVersion = need('feature_spec_version');
  if (specVersion !== expected.specVersion) {
    throw new ScorerError(
      'MODEL_MISMATCH',
      `model ${path} was trained on feature spec ${specVersion}, the scorer computes ${expected.specVersion}: retrain (npm run model:train)`,
    );
  }
  const names = featureNames;
  const firstDiff = names.findIndex((n, i) => n !== expected.featureNames[i]);
  if (names.length !== expected.featureNames.length || firstDiff >= 0) {
    const at = firstDiff >= 0 ? firstDiff : Math.min(names.length, expected.featureNames.length);
    throw new ScorerError(
      'MODEL_MISMATCH',
      `model ${path} features differ from the spec at #${at}: model '${names[at] ?? '(none)'}', spec '${expected.featureNames[at] ?? '(none)'}'`,
    );
  }
  const threshold = (key: string): number => {
    const value = Number(need(key));
    if (!(value >= 0 && value <= 1)) throw new ScorerError('MODEL_MISMATCH', `model ${path}: ${key} is not in [0, 1]`);
    return value;
  };
  const review = threshold('threshold_review');
  const decline = threshold('threshold_decline');
  if (decline < review) {
    throw new ScorerError(
      'MODEL_MISMATCH',
      `model ${path}: threshold_decline ${decline} is below threshold_review ${review}`,
    );
  }
  // Absent (or empty) leaves the model without drift reference or explanations; present but malformed refuses it.
  const histograms = meta.get('feature_histograms') ?? '';
  let driftReference: DriftReference | null = null;
  if (histograms !== '') {
    try {
      driftReference = parseDriftReference(histograms, names);
    } catch (error) {
      throw new ScorerError('MODEL_MISMATCH', `model ${path}: metadata feature_histograms: ${errorMessage(error)}`);
    }
  }
  const nodeCounts = meta.get('tree_node_counts') ?? '';
  let explainer: TreeShap | null = null;
  if (nodeCounts !== '') {
    try {
      explainer = await TreeShap.build(readTreeEnsemble(bytes, names.length, JSON.parse(nodeCounts)));
    } catch (error) {
      throw new ScorerError('MODEL_MISMATCH', `model ${path}: metadata tree_node_counts: ${errorMessage(error)}`);
    }
  }
  return Object.freeze({
    version: need('model_version'),
    featureNames: Object.freeze([...names]),
    featureSpecVersion: specVersion,
    trainingDataDigest: meta.get('training_data_digest') ?? '',
    thresholds: Object.freeze({ review, decline }),
    driftReference,
    explainer,
  });
}

class OnnxModel implements ModelPort {
  readonly #session: InferenceSession;
  readonly #width: number;
  #closed = false;

  constructor(
    session: InferenceSession,
    readonly info: ModelInfo,
  ) {
    this.#session = session;
    this.#width = info.featureNames.length;
  }

  async score(features: Float32Array, rows: number, out: Float32Array): Promise<void> {
    if (rows === 0) return;
    // A view, not a copy: the tensor reads the caller's buffer for the duration of run().
    const input = new Tensor('float32', features.subarray(0, rows * this.#width), [rows, this.#width]);
    let result: InferenceSession.OnnxValueMapType;
    try {
      result = await this.#session.run({ [INPUT]: input }, [OUTPUT]);
    } catch (error) {
      throw new ScorerError('MODEL_FAILED', `inference failed: ${errorMessage(error)}`, true, { cause: error });
    }
    const probabilities = result[OUTPUT]!.data as Float32Array;
    // [rows, 2]: column 1 is the probability of fraud.
    for (let i = 0; i < rows; i++) out[i] = probabilities[2 * i + 1]!;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session.release();
  }
}
