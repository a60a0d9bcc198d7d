import { FeatureError } from '../../errors.ts';
import { FEATURE_NAMES } from './feature-names.ts';
import { LABEL_DELAY_DAYS, WINDOWS_DAYS } from './feature-params.ts';

export interface FeatureDefinition {
  readonly name: string;
  readonly description: string;
}

/** `model/feature-spec.json`: what training and serving agree on. Extra keys are documentation. */
export interface FeatureSpec {
  readonly version: string;
  readonly labelDelayDays: number;
  readonly windowsDays: readonly number[];
  readonly features: readonly FeatureDefinition[];
}

/** Checks the shape of a parsed spec file; throws `FeatureError` SPEC_INVALID naming the bad key. */
export function parseFeatureSpec(json: unknown): FeatureSpec {
  if (!isObject(json)) throw invalid('the spec must be a JSON object');
  const { version, labelDelayDays, windowsDays, features } = json;
  if (typeof version !== 'string' || version.length === 0) throw invalid('"version" must be a non-empty string');
  if (!Number.isInteger(labelDelayDays) || (labelDelayDays as number) < 0) {
    throw invalid('"labelDelayDays" must be a non-negative integer');
  }
  if (!Array.isArray(windowsDays) || !windowsDays.every((w) => Number.isInteger(w) && (w as number) > 0)) {
    throw invalid('"windowsDays" must be an array of positive integers');
  }
  if (!Array.isArray(features) || features.length === 0) throw invalid('"features" must be a non-empty array');
  const seen = new Set<string>();
  const definitions = features.map((f: unknown, i): FeatureDefinition => {
    if (!isObject(f) || typeof f['name'] !== 'string' || f['name'].length === 0) {
      throw invalid(`"features[${i}].name" must be a non-empty string`);
    }
    if (seen.has(f['name'])) throw invalid(`"features[${i}].name" repeats ${f['name']}`);
    seen.add(f['name']);
    return { name: f['name'], description: typeof f['description'] === 'string' ? f['description'] : '' };
  });
  return {
    version,
    labelDelayDays: labelDelayDays as number,
    windowsDays: windowsDays as number[],
    features: definitions,
  };
}

/**
 * Throws `FeatureError` SPEC_MISMATCH unless the spec describes exactly what this code computes: the same
 * feature names in the same order, label delay and windows. Serving calls it at start-up so that a model
 * trained on another feature set never gets rows it does not understand.
 */
export function checkFeatureSpec(spec: FeatureSpec): void {
  const names = spec.features.map((f) => f.name);
  const firstDiff = FEATURE_NAMES.findIndex((name, i) => names[i] !== name);
  if (firstDiff >= 0 || names.length !== FEATURE_NAMES.length) {
    const at = firstDiff >= 0 ? firstDiff : Math.min(names.length, FEATURE_NAMES.length);
    throw new FeatureError(
      'SPEC_MISMATCH',
      `feature spec ${spec.version} lists ${names.length} features, the code computes ${FEATURE_NAMES.length}; ` +
        `first difference at position ${at}: spec ${String(names[at])}, code ${String(FEATURE_NAMES[at])}`,
    );
  }
  if (spec.labelDelayDays !== LABEL_DELAY_DAYS) {
    throw new FeatureError(
      'SPEC_MISMATCH',
      `feature spec labelDelayDays ${spec.labelDelayDays}, code ${LABEL_DELAY_DAYS}`,
    );
  }
  if (spec.windowsDays.join(',') !== WINDOWS_DAYS.join(',')) {
    throw new FeatureError(
      'SPEC_MISMATCH',
      `feature spec windowsDays [${spec.windowsDays.join(',')}], code [${WINDOWS_DAYS.join(',')}]`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): FeatureError {
  return new FeatureError('SPEC_INVALID', `feature spec: ${message}`);
}
