import type { Type } from 'avsc';
import type { SchemaCatalogue } from './catalogue.ts';
import { SchemaError } from './errors.ts';
import { HEADER_LENGTH, readSchemaId, writeHeader } from './framing.ts';

type Resolver = ReturnType<Type['createResolver']>;

const INITIAL_SCRATCH_BYTES = 4096;

/**
 * Encodes values of one subject with its latest schema, framed Confluent-style, and decodes records written
 * with any catalogued version of that subject into the latest shape (older versions through cached resolvers).
 * Not safe to share between worker threads (it owns a scratch buffer); cheap to create one per consumer.
 */
export class AvroCodec<T> {
  readonly subject: string;
  readonly schemaId: number;
  readonly #type: Type;
  readonly #catalogue: SchemaCatalogue;
  readonly #resolvers = new Map<number, Resolver>();
  #scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(catalogue: SchemaCatalogue, subject: string) {
    const latest = catalogue.latest(subject);
    this.subject = subject;
    this.schemaId = latest.id;
    this.#type = latest.type;
    this.#catalogue = catalogue;
  }

  /** Framed bytes of `value`; throws `INVALID_RECORD` if it does not match the schema. */
  encode(value: T): Buffer {
    this.#check(value);
    let end = this.#type.encode(value, this.#scratch, HEADER_LENGTH);
    if (end < 0) {
      // avsc returns minus the missing byte count instead of throwing.
      this.#scratch = Buffer.allocUnsafe(2 * (this.#scratch.length - end));
      end = this.#type.encode(value, this.#scratch, HEADER_LENGTH);
    }
    writeHeader(this.#scratch, this.schemaId);
    const out = Buffer.allocUnsafe(end);
    this.#scratch.copy(out, 0, 0, end);
    return out;
  }

  /** The value of a framed record; throws a `SchemaError` naming why the bytes are not one. */
  decode(buf: Buffer): T {
    const schemaId = readSchemaId(buf);
    const resolver = schemaId === this.schemaId ? undefined : this.#resolverFor(schemaId);
    let result: { value: unknown; offset: number };
    try {
      result = this.#type.decode(buf, HEADER_LENGTH, resolver);
    } catch (error) {
      // A cut-off body often surfaces as a nonsense enum index or length rather than as an overflow.
      throw new SchemaError('MALFORMED', `cannot decode ${this.subject} (schema ${schemaId}): ${message(error)}`, {
        cause: error,
      });
    }
    if (result.offset < 0) {
      throw new SchemaError('TRUNCATED', `${this.subject} body (schema ${schemaId}) ends early at ${buf.length} bytes`);
    }
    if (result.offset !== buf.length) {
      throw new SchemaError(
        'TRAILING_BYTES',
        `${this.subject} (schema ${schemaId}) ends at byte ${result.offset} of ${buf.length}`,
      );
    }
    return result.value as T;
  }

  #check(value: T): void {
    if (this.#type.isValid(value)) return;
    // Only a failed check pays for the slower error-hook pass that finds the field.
    let path: string[] | undefined;
    this.#type.isValid(value, { errorHook: (p) => (path ??= p) });
    throw new SchemaError(
      'INVALID_RECORD',
      `${this.subject} field ${path?.join('.') ?? '?'} does not match the schema`,
    );
  }

  #resolverFor(schemaId: number): Resolver {
    const cached = this.#resolvers.get(schemaId);
    if (cached) return cached;
    const writer = this.#catalogue.byId(schemaId);
    if (!writer) throw new SchemaError('UNKNOWN_SCHEMA', `schema id ${schemaId} is not in the catalogue`);
    if (writer.subject !== this.subject) {
      throw new SchemaError('SCHEMA_MISMATCH', `schema id ${schemaId} is ${writer.subject}, expected ${this.subject}`);
    }
    let resolver: Resolver;
    try {
      resolver = this.#type.createResolver(writer.type);
    } catch (error) {
      throw new SchemaError('SCHEMA_MISMATCH', `${this.subject} cannot read schema ${schemaId}: ${message(error)}`, {
        cause: error,
      });
    }
    this.#resolvers.set(schemaId, resolver);
    return resolver;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
