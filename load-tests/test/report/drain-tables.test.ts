import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDrains, drainResult } from '../../src/drain/drain-figures.ts';
import { comparisonTable, drainMarkdown, drainTable } from '../../src/report/drain-tables.ts';
import type { DrainReport } from '../../src/report/drain-report.ts';
import { measurement } from '../drain/drain-measurement.ts';

const scorer = drainResult(
  measurement({ label: 'scorer', target: 'scorer', cpuUs: 1_250_000, lastOutputMs: 1_004_000, degraded: 0 }),
);
const pass = drainResult(measurement());

test('the drain table has a row per target with its rate, CPU per record, cores, load and degraded count', () => {
  const lines = drainTable([scorer, pass]).split('\n');
  assert.match(lines[0]!, /each target in turn/);
  assert.match(
    lines[2]!,
    /^\| target \| client \| node \| records \| outputs \| first → last output \(s\) \| records\/s \|/,
  );
  assert.equal(
    lines[4],
    '| scorer | platformatic | v24.0.0 | 10001 | 10001 | 4.00 | 2500 | 1.25 | 125.0 | 0.61 | 1.00 → 1.50 | 1.2 | 0 |',
  );
  assert.equal(
    lines[5],
    '| pass-through | platformatic | v24.0.0 | 10001 | 10001 | 2.00 | 5000 | 0.50 | 50.0 | 0.24 | 1.00 → 1.50 | 1.2 | — |',
  );
});

test('comparisons show the rate ratio and the signed CPU difference per record', () => {
  const table = comparisonTable([
    compareDrains(scorer, pass, 'scoring, on the same client'),
    compareDrains(pass, scorer, 'x'),
  ]);
  assert.match(table, /\| scorer vs pass-through \| scoring, on the same client \| 0\.50× \| \+75\.0 \| 2\.50× \|/);
  assert.match(table, /\| pass-through vs scorer \| x \| 2\.00× \| -75\.0 \| 0\.40× \|/);
  assert.match(comparisonTable([]), /none/);
});

test('the drain report leads with the command, machine and backlog, and ends with how it was measured', () => {
  const report: DrainReport = {
    tool: 'fraud-stream load-tests',
    mode: 'drain',
    startedAt: 'S',
    finishedAt: 'F',
    command: 'tsx load-tests/src/bench.ts --mode drain',
    runId: 'lt-x',
    machine: {
      cpus: 2,
      cpuModel: 'cpu',
      memoryGiB: 24,
      os: 'linux',
      node: 'v24.0.0',
      java: 'java 17',
      loadAverageStart: [1, 2, 3],
      loadAverageEnd: [4, 5, 6],
    },
    messageBytes: 135,
    partitions: 6,
    backlog: { records: 10_001, produceMs: 1_500 },
    method: ['first method line', 'second'],
    targets: [scorer, pass],
    comparisons: [compareDrains(scorer, pass, 'scoring')],
    files: ['results.md', 'summary.json'],
  };
  const md = drainMarkdown(report);
  assert.match(md, /^Run S → F: `tsx load-tests\/src\/bench.ts --mode drain`/);
  assert.match(md, /Load average \(1\/5\/15 min\) 1 \/ 2 \/ 3 at the start, 4 \/ 5 \/ 6 at the end/);
  assert.match(md, /Backlog: 10001 transactions of 135 bytes \(framed Avro\) on 6 partitions, produced in 1\.5 s/);
  assert.ok(md.indexOf('| scorer | platformatic') < md.indexOf('Comparisons:'));
  assert.match(md, /- first method line\n- second\n$/);
});
