import { loadCatalogue, SUBJECTS } from './catalogue.ts';
import type { SchemaCatalogue } from './catalogue.ts';
import { AvroCodec } from './codec.ts';
import type { Decision, Label, Transaction } from './types.ts';

export interface SchemaCodecs {
  readonly catalogue: SchemaCatalogue;
  readonly transaction: AvroCodec<Transaction>;
  readonly decision: AvroCodec<Decision>;
  readonly label: AvroCodec<Label>;
}

/** One codec per record type; create one set per consumer/producer (each owns a scratch buffer). */
export function createSchemaCodecs(catalogue: SchemaCatalogue = loadCatalogue()): SchemaCodecs {
  return {
    catalogue,
    transaction: new AvroCodec<Transaction>(catalogue, SUBJECTS.transaction),
    decision: new AvroCodec<Decision>(catalogue, SUBJECTS.decision),
    label: new AvroCodec<Label>(catalogue, SUBJECTS.label),
  };
}
