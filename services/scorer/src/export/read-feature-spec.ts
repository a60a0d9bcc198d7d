import { readFile } from 'node:fs/promises';
import { FeatureError } from '../errors.ts';
import { parseFeatureSpec } from '../core/features/feature-spec.ts';
import type { FeatureSpec } from '../core/features/feature-spec.ts';

/** Reads and shape-checks a feature spec file (`checkFeatureSpec` compares it with the code). */
export async function readFeatureSpec(path: string): Promise<FeatureSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FeatureError('SPEC_INVALID', `cannot read feature spec ${path}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FeatureError('SPEC_INVALID', `feature spec ${path} is not JSON`, { cause: error });
  }
  return parseFeatureSpec(json);
}
