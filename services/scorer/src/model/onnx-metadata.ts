// onnxruntime-node does not expose a model's custom metadata (metadata_props), so read it from the file:
// ModelProto field 14 is `repeated StringStringEntryProto metadata_props` with key = 1 and value = 2.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const METADATA_PROPS = 14;

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7;
    if (shift > 63) throw new Error('varint too long');
  }
}

/** Calls `onField(field, start, end)` for each length-delimited field of the message in buf[from, to). */
function scanLengthDelimited(
  buf: Uint8Array,
  from: number,
  to: number,
  onField: (field: number, start: number, end: number) => void,
): void {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = afterTag;
    if (wire === WIRE_VARINT) pos = readVarint(buf, pos)[1];
    else if (wire === WIRE_I64) pos += 8;
    else if (wire === WIRE_I32) pos += 4;
    else if (wire === WIRE_LEN) {
      const [length, start] = readVarint(buf, pos);
      pos = start + length;
      if (pos > to) throw new Error(`field ${field} runs past the end`);
      onField(field, start, pos);
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

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
