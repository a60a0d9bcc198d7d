import type { DrainComparison, DrainResult } from '../drain/drain-figures.ts';
import type { MachineInfo } from './machine.ts';

/** Everything one drain run measured: `summary.json` of its results folder, and the source of its tables. */
export interface DrainReport {
  readonly tool: 'fraud-stream load-tests';
  readonly mode: 'drain';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  /** The prefix of the run's topics and consumer groups. */
  readonly runId: string;
  readonly machine: MachineInfo;
  /** Mean framed Avro Transaction size of the backlog. */
  readonly messageBytes: number;
  readonly partitions: number;
  readonly backlog: { readonly records: number; readonly produceMs: number };
  /** How the figures were taken, in words: printed under the table. */
  readonly method: readonly string[];
  readonly targets: readonly DrainResult[];
  readonly comparisons: readonly DrainComparison[];
  readonly files: readonly string[];
}
