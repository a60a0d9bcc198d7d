import { SchemaError } from './errors.ts';

// Confluent wire format: magic byte 0, schema id as a 4-byte big-endian int, then the Avro body.
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export function writeHeader(buf: Buffer, schemaId: number): void {
  buf[0] = MAGIC_BYTE;
  buf.writeUInt32BE(schemaId, 1);
}

/** The schema id of a framed record; throws `TRUNCATED` or `BAD_MAGIC` if the header is not there. */
export function readSchemaId(buf: Uint8Array): number {
  if (buf.length < HEADER_LENGTH) {
    throw new SchemaError(
      'TRUNCATED',
      `record of ${buf.length} bytes is shorter than the ${HEADER_LENGTH}-byte header`,
    );
  }
  if (buf[0] !== MAGIC_BYTE) {
    throw new SchemaError('BAD_MAGIC', `magic byte is ${buf[0]}, expected ${MAGIC_BYTE}`);
  }
  // Big-endian unsigned read without needing a Buffer view.
  return ((buf[1]! << 24) >>> 0) + (buf[2]! << 16) + (buf[3]! << 8) + buf[4]!;
}
