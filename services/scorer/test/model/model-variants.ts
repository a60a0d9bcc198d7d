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

function readSpec(): { version: string; features: { name: string }[] } {
  return JSON.parse(readFileSync(join(MODEL_DIR, 'feature-spec.json'), 'utf8')) as {
    version: string;
    features: { name: string }[];
  };
}

/** The feature names of the spec, in order. */
export function shippedFeatureNames(): string[] {
  return readSpec().features.map((f) => f.name);
}

/** The spec's version, which the shipped model was trained on. */
export function shippedSpecVersion(): string {
  return readSpec().version;
}
