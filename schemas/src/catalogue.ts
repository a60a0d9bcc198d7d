import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Schema, Type } from 'avsc';
import { SchemaError } from './errors.ts';

export interface CatalogueEntry {
  readonly id: number;
  /** Fully qualified record name (the record-name subject strategy), e.g. `fraudstream.Transaction`. */
  readonly subject: string;
  readonly version: number;
  readonly type: Type;
}

export const SUBJECTS = {
  transaction: 'fraudstream.Transaction',
  decision: 'fraudstream.Decision',
  label: 'fraudstream.Label',
} as const;

interface CatalogueFile {
  schemas: { id: number; subject: string; version: number; file: string }[];
}

const DEFAULT_DIR = new URL('../avro/', import.meta.url);

/** The schemas this project writes and reads, keyed by the ids that go into the wire header. */
export class SchemaCatalogue {
  readonly #byId = new Map<number, CatalogueEntry>();
  readonly #latest = new Map<string, CatalogueEntry>();

  constructor(entries: readonly CatalogueEntry[]) {
    for (const entry of entries) {
      if (!Number.isInteger(entry.id) || entry.id < 0 || entry.id > 0x7fffffff) {
        throw new SchemaError('BAD_CATALOGUE', `schema id ${entry.id} is not a 31-bit non-negative integer`);
      }
      if (this.#byId.has(entry.id)) throw new SchemaError('BAD_CATALOGUE', `schema id ${entry.id} is used twice`);
      if (entry.type.name !== entry.subject) {
        throw new SchemaError(
          'BAD_CATALOGUE',
          `schema ${entry.id} is ${entry.type.name}, catalogued as ${entry.subject}`,
        );
      }
      const latest = this.#latest.get(entry.subject);
      if (latest?.version === entry.version) {
        throw new SchemaError('BAD_CATALOGUE', `${entry.subject} version ${entry.version} is catalogued twice`);
      }
      this.#byId.set(entry.id, entry);
      if (!latest || latest.version < entry.version) this.#latest.set(entry.subject, entry);
    }
  }

  byId(id: number): CatalogueEntry | undefined {
    return this.#byId.get(id);
  }

  latest(subject: string): CatalogueEntry {
    const entry = this.#latest.get(subject);
    if (!entry) throw new SchemaError('BAD_CATALOGUE', `no schema for subject ${subject}`);
    return entry;
  }

  entries(): CatalogueEntry[] {
    return [...this.#byId.values()];
  }
}

/** Reads `catalogue.json` and the `.avsc` files it names (by default the ones in `schemas/avro/`). */
export function loadCatalogue(dir: URL = DEFAULT_DIR): SchemaCatalogue {
  const file = JSON.parse(readFileSync(new URL('catalogue.json', dir), 'utf8')) as CatalogueFile;
  return new SchemaCatalogue(
    file.schemas.map(({ id, subject, version, file: name }) => {
      const schema = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Schema;
      // Unwrapped unions: a ["null","string"] field is plain `string | null` in TypeScript.
      const type = avro.Type.forSchema(schema, { wrapUnions: false, omitRecordMethods: true });
      return { id, subject, version, type: withPlainRecords(type) };
    }),
  );
}

/**
 * avsc decodes records into instances of a generated class; giving those classes Object.prototype makes decoded
 * values plain objects, so they compare, spread and log exactly like the literals the TypeScript types describe.
 * Nested records too (inside unions, arrays and maps).
 */
function withPlainRecords(type: Type, seen = new Set<Type>()): Type {
  if (seen.has(type)) return type;
  seen.add(type);
  const t = type as Type & {
    recordConstructor?: { prototype: object };
    fields?: { type: Type }[];
    types?: Type[];
    itemsType?: Type;
    valuesType?: Type;
  };
  if (type.typeName === 'record' && t.recordConstructor) t.recordConstructor.prototype = Object.prototype;
  for (const inner of [...(t.fields ?? []).map((f) => f.type), ...(t.types ?? []), t.itemsType, t.valuesType]) {
    if (inner !== undefined) withPlainRecords(inner, seen);
  }
  return type;
}
