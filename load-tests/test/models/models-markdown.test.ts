import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BENCH_COMMAND, loadBenchConfig } from '../../src/config.ts';
import { helpText } from '../../../services/cli/src/flags.ts';
import { modelsMarkdown, modelsProblems } from '../../src/models/models-benchmark.ts';
import type { ModelsPhaseFigures, ModelsReport, SwapRecord } from '../../src/models/models-benchmark.ts';

const swap = (ms: number, ok = true): SwapRecord => ({
  atMs: 0,
  ms,
  ok,
  version: ok ? 'v' : null,
  ...(ok ? {} : { code: 'MODEL_FAILED' }),
});

function phase(
  name: ModelsPhaseFigures['phase'],
  order: number,
  p99Us: number,
  cpuUs: number | undefined,
  extra: Partial<ModelsPhaseFigures> = {},
): ModelsPhaseFigures {
  return {
    phase: name,
    order,
    latency: { count: 10_000, p50: p99Us / 4, p99: p99Us, p99_9: p99Us * 2, max: p99Us * 3 },
    counts: { sent: 15_000, decided: 15_000, missing: 0, duplicates: 0, measured: 10_000 },
    decisions: {
      outputs: 15_000,
      degraded: 0,
      withChallenger: name === 'challenger' ? 15_000 : 0,
      byModel: name === 'swaps' ? { 'm-variant': 7_400, m: 7_600 } : { m: 15_000 },
    },
    cpu: cpuUs === undefined ? undefined : { usPerDecision: cpuUs, windowMs: 20_000 },
    ...extra,
  };
}

function report(results: readonly ModelsPhaseFigures[]): ModelsReport {
  return {
    tool: 'fraud-stream load-tests',
    mode: 'models',
    startedAt: '2026-12-04T02:00:00.000Z',
    finishedAt: '2026-12-04T02:03:00.000Z',
    command: 'bench --mode models',
    runId: 'lt-x',
    machine: { cpus: 2 } as unknown as ModelsReport['machine'],
    partitions: 6,
    rate: 500,
    warmupMs: 10_000,
    measureMs: 20_000,
    swapEveryMs: 2_000,
    models: { shipped: 'm', variant: 'm-variant', challenger: 'm-challenger' },
    results,
  };
}

// p99 80 and 120 ms without a change (CPU 60 and 80 µs): the swaps (100 ms, 66 µs) and the challenger (88 ms,
// 75 µs) are set against their mean, 100 ms and 70 µs, or against the one beside them.
const good = [
  phase('baseline', 1, 80_000, 60),
  phase('swaps', 2, 100_000, 66, { swaps: [swap(120), swap(80), swap(200), swap(100)], swapSlotsMissed: 0 }),
  phase('baseline', 3, 120_000, 80),
  phase('challenger', 4, 88_000, 75, {
    challenger: { rows: { scored: 14_000, slow: 1_000, paused: 0, failed: 0 }, seconds: 0.03 },
  }),
];

test('each phase gets its row, and each change is set against the no-change phases around it', () => {
  const lines = modelsMarkdown(report(good)).split('\n');
  const rows = lines.filter((l) => /^\| \d\. /.test(l));
  assert.deepEqual(rows, [
    '| 1. no model change | 20.00 ms | 80.00 ms | 160.00 ms | 240.00 ms | 15,000 | 0 / 0 | 0 | 0 | 60.0 µs | — |',
    '| 2. champion swapped | 25.00 ms | 100.00 ms | 200.00 ms | 300.00 ms | 15,000 | 0 / 0 | 0 | 0 | 66.0 µs | ' +
      '4 swaps, 0 refused; request 100 ms median, 200 ms max |',
    '| 3. no model change | 30.00 ms | 120.00 ms | 240.00 ms | 360.00 ms | 15,000 | 0 / 0 | 0 | 0 | 80.0 µs | — |',
    '| 4. challenger set | 22.00 ms | 88.00 ms | 176.00 ms | 264.00 ms | 15,000 | 0 / 0 | 0 | 15,000 of 15,000 | ' +
      '75.0 µs | challenger set before the warm-up, removed after |',
    '| 2. champion swapped ÷ 1 and 3 (mean) | 1.00× | 1.00× | 1.00× | 1.00× | 0.94× |',
    '| 4. challenger set ÷ 3 | 0.73× | 0.73× | 0.73× | 0.73× | 0.94× |',
    '| 3. no model change ÷ 1 | 1.50× | 1.50× | 1.50× | 1.50× | 1.33× |',
  ]);
  assert.ok(lines.includes('- Decisions of phase 2 by the champion that made them: `m` 7,600, `m-variant` 7,400.'));
  assert.ok(lines.some((l) => l.includes('rows 14,000 scored, 1,000 slow (scored, in a call over its budget')));
  assert.ok(
    lines.some((l) =>
      l.includes(
        "0 paused, 0 failed; its calls' wall time (`scorer_challenger_seconds_total`) 2.00 µs per row it scored.",
      ),
    ),
  );
  assert.ok(
    lines.some((l) => l.startsWith('- **Every transaction of every phase decided exactly once, none degraded**')),
  );
});

test('missing, duplicated, degraded, refused swaps and unshadowed decisions are each named', () => {
  const bad = [
    phase('baseline', 1, 80_000, undefined, {
      counts: { sent: 15_000, decided: 14_990, missing: 10, duplicates: 2, measured: 9_990 },
    }),
    phase('swaps', 2, 100_000, 66, {
      swaps: [swap(120), swap(90, false)],
      decisions: { outputs: 15_000, degraded: 7, withChallenger: 0, byModel: {} },
    }),
    phase('challenger', 3, 88_000, 75, {
      decisions: { outputs: 15_000, degraded: 0, withChallenger: 14_000, byModel: {} },
    }),
  ];
  assert.deepEqual(modelsProblems(bad), [
    '1. no model change: 10 transactions without a decision',
    '1. no model change: 2 transactions decided twice or more',
    '1. no model change: 14990 of 15000 decided',
    '2. champion swapped: 7 decisions degraded',
    '2. champion swapped: 1 swaps refused',
    '3. challenger set: 1000 decisions without a challenger score',
  ]);
  const md = modelsMarkdown(report(bad));
  assert.match(md, /\*\*Not as promised:\*\* 1\. no model change: 10 transactions/);
  // No CPU figure for the baseline: nothing to set the others' against; no baseline after them: the one before.
  assert.match(md, /\| 2\. champion swapped ÷ 1 \| 1\.25× \| 1\.25× \| 1\.25× \| 1\.25× \| — \|/);
  assert.match(md, /\| 3\. challenger set ÷ 1 \| 1\.10× /);
  assert.ok(modelsProblems([phase('swaps', 1, 1, 1, { swaps: [] })]).includes('1. champion swapped: no swap was made'));
});

test('models mode takes the fixed-rate run and the swap interval; --help lists it', () => {
  const c = loadBenchConfig({}, ['--mode', 'models', '--rate', '1000', '--swap-every', '3s']);
  assert.equal(c.mode, 'models');
  assert.deepEqual(c.fixed, { rate: 1000, warmupMs: 10_000, measureMs: 20_000 });
  assert.equal(c.models.swapEveryMs, 3_000);
  assert.equal(loadBenchConfig({}, []).models.swapEveryMs, 2_000);
  const help = helpText(BENCH_COMMAND);
  assert.match(help, /--mode all\|open-loop\|drain\|delivery\|models/);
  assert.match(help, /\nmodels:\n {2}--swap-every 2s +- +2s +models: time between two swaps/);
});
