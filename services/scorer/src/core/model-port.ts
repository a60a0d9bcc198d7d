import type { TreeShap } from './explain/tree-shap.ts';
import type { DriftReference } from './quality/feature-drift.ts';

/** What the scorer knows of a model: read from the model file and checked against the feature spec at load. */
export interface ModelInfo {
  readonly version: string;
  readonly featureNames: readonly string[];
  readonly featureSpecVersion: string;
  readonly trainingDataDigest: string;
  readonly thresholds: { readonly review: number; readonly decline: number };
  /** Its training rows' distribution per feature (`feature_histograms`), for drift; null when it carries none. */
  readonly driftReference: DriftReference | null;
  /** Exact TreeSHAP over its trees (from its `tree_node_counts`); null when it carries no counts. */
  readonly explainer: TreeShap | null;
}

/** The model as the pipeline sees it; the ONNX session is one implementation, a test double another. */
export interface ModelPort {
  readonly info: ModelInfo;
  /**
   * Fraud probabilities of `rows` feature rows laid out row-major in `features` (rows × featureNames.length),
   * written into `out[0..rows)`. Rejects when inference fails; the caller then decides without the model.
   */
  score(features: Float32Array, rows: number, out: Float32Array): Promise<void>;
  close(): Promise<void>;
}
