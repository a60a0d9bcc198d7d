import type { DrainMeasurement } from '../../src/drain/drain-figures.ts';

/** A drain of 10,001 records whose outputs span 2 s, with 0.5 s of CPU: override what a test is about. */
export function measurement(overrides: Partial<DrainMeasurement> = {}): DrainMeasurement {
  return {
    label: 'pass-through',
    target: 'pass-through',
    client: 'platformatic',
    node: 'v24.0.0',
    onCompareNode: false,
    records: 10_001,
    outputs: 10_001,
    firstOutputMs: 1_000_000,
    lastOutputMs: 1_002_000,
    cpuUs: 500_000,
    cpuWindowMs: 2_050,
    startUpMs: 1_200,
    loadAverage1m: { start: 1, end: 1.5 },
    ...overrides,
  };
}
