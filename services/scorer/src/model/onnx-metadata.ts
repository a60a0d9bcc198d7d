// onnxruntime-node does not expose a model's custom metadata (metadata_props), so read it from the file:
// ModelProto field 14 is `repeated StringStringEntryProto metadata_props` with key = 1 and value = 2.
import { scanLengthDelimited, WIRE_LEN } from './protobuf.ts';

const METADATA_PROPS = 14;

export function readOnnxMetadata(model: Uint8Array): Map<string, string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const props = new Map<string, string>();
  scanLengthDelimited(model, 0, model.length, (field, start, end) => {
    if (field !== METADATA_PROPS) return;
    let key = '';
    let value = '';
    scanLengthDelimited(model, start, end, (f, s, e) => {
      if (f === 1) key = decoder.decode(model.subarray(s, e));
      else if (f === 2) value = decoder.decode(model.subarray(s, e));
    });
    props.set(key, value);
  });
  return props;
}

/**
 * `model` with `metadata` entries appended to its metadata_props: protobuf appends repeated fields, and a later
 * entry of a key wins for `readOnnxMetadata`, so this renames a model (another `model_version`) or changes its
 * thresholds without touching its graph. For benchmarks and tests that need a second model of the same trees.
 */
export function withOnnxMetadata(model: Uint8Array, metadata: Readonly<Record<string, string>>): Buffer {
  const entries = Object.entries(metadata).map(([key, value]) =>
    lengthDelimited(
      METADATA_PROPS,
      Buffer.concat([lengthDelimited(1, Buffer.from(key)), lengthDelimited(2, Buffer.from(value))]),
    ),
  );
  return Buffer.concat([model, ...entries]);
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint(field * 8 + WIRE_LEN), varint(bytes.length), bytes]);
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
