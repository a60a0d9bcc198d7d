import { createSchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import type { Transaction } from '../../../../../schemas/src/types.ts';
import type { InputLimits, OutputLimits } from '../../../src/core/limits.ts';
import type { ModelInfo } from '../../../src/core/model-port.ts';
import { ScoringPipeline } from '../../../src/core/scoring/pipeline.ts';

const MODEL: ModelInfo = {
  version: 'test',
  featureNames: ['zero'],
  featureSpecVersion: '1',
  trainingDataDigest: '',
  driftReference: null,
  explainer: null,
  thresholds: { review: 0.5, decline: 0.9 },
};

/** A pipeline whose model scores every row 0.01 and whose features are one zero: for the input and output paths. */
export function fixedScorePipeline(options: {
  nowMs: () => number;
  onExtract?: (tx: Transaction) => void;
  limits?: InputLimits;
  output?: OutputLimits;
}): ScoringPipeline {
  const { nowMs, onExtract, ...limits } = options;
  return new ScoringPipeline({
    codecs: createSchemaCodecs(),
    features: {
      width: 1,
      extract(tx, out, offset) {
        onExtract?.(tx);
        out[offset] = 0;
      },
    },
    model: {
      serving: MODEL,
      score(_rows, n, out) {
        out.fill(0.01, 0, n);
        return Promise.resolve({ champion: MODEL, challenger: null });
      },
    },
    policyFor: () => ({
      thresholds: { review: 0.5, decline: 0.9 },
      reportedCardAction: 'APPROVE',
      amountLimit: Number.POSITIVE_INFINITY,
      failMode: 'fail-open',
      safeAmount: 50,
    }),
    topics: { decisions: 'decisions', deadLetters: 'dlq' },
    deadlineMs: 600_000,
    nowMs,
    ...limits,
  });
}
