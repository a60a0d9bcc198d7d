import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withOnnxMetadata } from '../../src/model/onnx-metadata.ts';

const MODEL_DIR = resolve(import.meta.dirname, '..', '..', '..', '..', 'model');

/** The shipped model with some of its metadata replaced (`withOnnxMetadata`), written to `dir/name`. */
export function modelVariant(dir: string, name: string, metadata: Record<string, string>): string {
  const path = join(dir, name);
  writeFileSync(path, withOnnxMetadata(readFileSync(join(MODEL_DIR, 'fraud-model.onnx')), metadata));
  return path;
}

/** The feature names of the spec, in order. */
export function shippedFeatureNames(): string[] {
  const spec = JSON.parse(readFileSync(join(MODEL_DIR, 'feature-spec.json'), 'utf8')) as {
    features: { name: string }[];
  };
  return spec.features.map((f) => f.name);
}
