import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_STATS } from '../../../services/scorer/src/metrics/histogram-stats.ts';
import type { BenchReport } from '../../src/report/bench-report.ts';
import { ratioTable, sweepTable } from '../../src/report/tables.ts';
import type { PhaseResult } from '../../src/run/phase-runner.ts';
import { judgeStep } from '../../src/run/sweep-verdict.ts';

function phase(target: PhaseResult['target'], rate: number, p50Ms: number, p99Ms: number): PhaseResult {
  const latency = {
    ...EMPTY_STATS,
    count: 100,
    p50: p50Ms * 1000,
    p90: p50Ms * 2000,
    p99: p99Ms * 1000,
    p99_9: p99Ms * 1000,
    p99_99: p99Ms * 1000,
    max: p99Ms * 1000,
    mean: p50Ms * 1000,
  };
  return {
    target,
    label: 'fixed',
    rate,
    arrivals: 'constant',
    warmupMs: 0,
    measureMs: 1000,
    counts: {
      expected: 100,
      sent: 100,
      decided: 100,
      missing: 0,
      duplicates: 0,
      measured: 100,
      firstMeasuredUs: 1,
      lastMeasuredUs: 2,
    },
    throughputPerSecond: rate,
    latency,
    generator: { lag: EMPTY_STATS, inFlightFullWaits: 0, inFlightFullMs: 0 },
  };
}

function report(overrides: Partial<BenchReport>): BenchReport {
  return {
    tool: 'fraud-stream load-tests',
    startedAt: 's',
    finishedAt: 'f',
    command: 'c',
    machine: {
      cpus: 2,
      cpuModel: 'x',
      memoryGiB: 1,
      os: 'linux',
      node: 'v20',
      java: 'java',
      loadAverageStart: [1, 1, 1],
      loadAverageEnd: [1, 1, 1],
    },
    unit: 'us',
    budgetMs: 50,
    arrivals: 'constant',
    messageBytes: 130,
    partitions: 6,
    endToEndLatency: { messages: 1000, avgMs: 2, p50Ms: 1, p99Ms: 10, p999Ms: 0, samples: [] },
    fixed: { passThrough: phase('pass-through', 1000, 2, 20), scorer: phase('scorer', 1000, 6, 40) },
    sweep: { scorer: [], passThrough: [], highestSustainable: { scorer: undefined, passThrough: undefined } },
    files: [],
    ...overrides,
  };
}

test('ratios to EndToEndLatency are ranges, since the tool truncates to whole milliseconds', () => {
  const table = ratioTable(report({}));
  assert.match(table, /\| scorer \/ pass-through \| 3\.0× \| 3\.0× \| 2\.0× \|/);
  // scorer p50 6 ms against a printed 1 (1 to 2 ms): 3 to 6 times; p99 40 against 10 (10 to 11 ms).
  assert.match(table, /\| scorer \/ EndToEndLatency \| 3\.0–6\.0× \| — \| 3\.6–4\.0× \| ≥ 40\.0× \|/);
});

test('the sweep table names the highest sustainable rate and why the next step failed', () => {
  const steps = [phase('scorer', 500, 5, 10), phase('scorer', 1000, 5, 70)].map((result) => ({
    result,
    verdict: judgeStep(result, 50),
  }));
  const table = sweepTable(
    report({ sweep: { scorer: steps, passThrough: [], highestSustainable: { scorer: 500, passThrough: undefined } } }),
  );
  assert.match(table, /\| scorer \| 1000 \| .* \| p99 70\.0 ms > budget 50 ms \|/);
  assert.match(table, /- scorer: 500\/s$/m);
});
