import type { SchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../../schemas/src/types.ts';
import { DEFAULT_INPUT_LIMITS, DEFAULT_OUTPUT_LIMITS } from '../limits.ts';
import type { InputLimits, OutputLimits } from '../limits.ts';
import { validateLabel } from '../validate-label.ts';
import { deadLetter } from './dead-letter.ts';
import type { InRecord, OutRecord } from './records.ts';

/** Dead letters of labels carry this stage, whether the bytes did not decode or the label did not validate. */
export const LABEL_STAGE = 'label';

export interface LabelIntakeDeps {
  readonly codecs: SchemaCodecs;
  /** Told each label that decoded and validated, in order. */
  readonly onLabel: (label: Label) => void;
  readonly deadLetterTopic: string;
  /** Bounds on ids and times, as for transactions (default `DEFAULT_INPUT_LIMITS`). */
  readonly limits?: InputLimits;
  /** Bounds on dead letters (default `DEFAULT_OUTPUT_LIMITS`). */
  readonly output?: OutputLimits;
}

/**
 * Decodes and validates label records, hands the good ones to `onLabel` and returns the dead letters of the
 * rest (stage `label`; the error code tells a decode failure from a validation one). `now` is the clock that
 * `reportedAt` and event times are checked against. Nothing here touches Kafka.
 */
export function intakeLabels(records: readonly InRecord[], now: number, deps: LabelIntakeDeps): OutRecord[] {
  const limits = deps.limits ?? DEFAULT_INPUT_LIMITS;
  const dead: OutRecord[] = [];
  for (const record of records) {
    try {
      if (record.value === null) {
        throw Object.assign(new Error('label record has no value'), { code: 'NO_VALUE' });
      }
      const label = deps.codecs.label.decode(record.value);
      validateLabel(label, now, limits);
      deps.onLabel(label);
    } catch (error) {
      dead.push(deadLetter(record, deps.deadLetterTopic, LABEL_STAGE, error, deps.output ?? DEFAULT_OUTPUT_LIMITS));
    }
  }
  return dead;
}
