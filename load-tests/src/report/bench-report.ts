import type { EndToEndLatencyResult } from '../baselines/end-to-end-output.ts';
import type { PhaseResult } from '../run/phase-runner.ts';
import type { SweepStep } from '../run/sweep-verdict.ts';
import type { MachineInfo } from './machine.ts';

/** Everything one invocation measured: `summary.json`, and the source of the tables and the chart. */
export interface BenchReport {
  readonly tool: 'fraud-stream load-tests';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** Microseconds everywhere below, unless a field says ms. */
  readonly unit: 'us';
  readonly budgetMs: number;
  readonly arrivals: string;
  /** Mean framed Avro Transaction size: what both baselines send too. */
  readonly messageBytes: number;
  readonly partitions: number;
  readonly endToEndLatency: EndToEndLatencyResult | undefined;
  readonly fixed: { readonly passThrough: PhaseResult | undefined; readonly scorer: PhaseResult | undefined };
  readonly sweep: {
    readonly scorer: readonly SweepStep[];
    readonly passThrough: readonly SweepStep[];
    readonly highestSustainable: { readonly scorer: number | undefined; readonly passThrough: number | undefined };
  };
  readonly files: readonly string[];
}
