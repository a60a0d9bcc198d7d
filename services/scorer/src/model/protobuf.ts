// The little of the protobuf wire format the scorer reads from an ONNX file itself (onnxruntime-node exposes
// neither a model's metadata nor its tree attributes): fields by number, without a schema compiler.

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
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

/**
 * Calls `onField(field, wire, start, end)` for each field of the message in buf[from, to): for a varint `start`
 * is the value; for the others [start, end) are its bytes.
 */
export function scanFields(
  buf: Uint8Array,
  from: number,
  to: number,
  onField: (field: number, wire: number, start: number, end: number) => void,
): void {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = afterTag;
    if (wire === WIRE_VARINT) {
      const [value, next] = readVarint(buf, pos);
      pos = next;
      onField(field, wire, value, next);
      continue;
    }
    const start = wire === WIRE_LEN ? readVarint(buf, pos) : null;
    const begin = start === null ? pos : start[1];
    if (wire === WIRE_I64) pos += 8;
    else if (wire === WIRE_I32) pos += 4;
    else if (start !== null) pos = start[1] + start[0];
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos > to) throw new Error(`field ${field} runs past the end`);
    onField(field, wire, begin, pos);
  }
}

/** Calls `onField(field, start, end)` for each length-delimited field of the message in buf[from, to). */
export function scanLengthDelimited(
  buf: Uint8Array,
  from: number,
  to: number,
  onField: (field: number, start: number, end: number) => void,
): void {
  scanFields(buf, from, to, (field, wire, start, end) => {
    if (wire === WIRE_LEN) onField(field, start, end);
  });
}
