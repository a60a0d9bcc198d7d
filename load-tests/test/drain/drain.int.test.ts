import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { testBrokers } from '../../../test-support/kafka.ts';
import { systemClock } from '../../src/clock.ts';
import { loadBenchConfig } from '../../src/config.ts';
import { runDrainBenchmark } from '../../src/drain/drain-benchmark.ts';
import { baseClientOptions } from '../../../services/scorer/src/kafka/client-options.ts';
import type { ChildService } from '../../src/processes/child-service.ts';
import type { DrainReport } from '../../src/report/drain-report.ts';

// A small backlog: this keeps the drain mode working end to end on the real broker; it measures nothing.
const RECORDS = 2_000;

test('drain mode: every target drains the whole backlog and reports a rate and a CPU cost per record', async (t) => {
  const brokers = testBrokers();
  const out = mkdtempSync(join(tmpdir(), 'lt-drain-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const config = loadBenchConfig(
    {},
    [
      ['--mode', 'drain', '--drain-records', String(RECORDS), '--drain-timeout', '2m'],
      // This Node again stands in for another one: the flag's path is what is tested, not a version.
      ['--compare-node', process.execPath, '--brokers', brokers.join(','), '--out', out],
    ].flat(),
  );
  const children = new Set<ChildService>();
  t.after(() => Promise.all([...children].map((c) => c.stop())));

  const outcome = await runDrainBenchmark(config, {
    env: process.env,
    command: 'drain.int.test',
    clock: systemClock,
    log: (line) => t.diagnostic(line),
    signal: new AbortController().signal,
    children,
  });

  const report = outcome.report as DrainReport;
  const major = process.versions.node.split('.')[0]!;
  assert.deepEqual(
    report.targets.map((r) => r.label),
    ['scorer', 'pass-through', 'pass-through-kafkajs', `pass-through-kafkajs-node${major}`],
  );
  for (const r of report.targets) {
    assert.equal(r.records, RECORDS);
    assert.ok(r.outputs >= RECORDS, `${r.label}: ${r.outputs} outputs`);
    assert.ok(r.lastOutputMs >= r.firstOutputMs, `${r.label}: first output before the last`);
    assert.ok(r.recordsPerSecond !== undefined && r.recordsPerSecond > 0, `${r.label}: ${r.recordsPerSecond}/s`);
    assert.ok(r.cpuUsPerRecord > 0, `${r.label}: ${r.cpuUsPerRecord} CPU µs/record`);
    assert.ok(r.cpuWindowMs >= r.lastOutputMs - r.firstOutputMs, `${r.label}: the CPU window holds the drain`);
  }
  assert.equal(report.targets[0]!.degraded, 0, 'the raised deadline leaves no decision degraded');
  assert.equal(report.comparisons.length, 4);
  assert.ok(children.size === 4 && [...children].every((c) => !c.running), 'each target stopped after its drain');

  assert.equal(readFileSync(join(outcome.dir, 'results.md'), 'utf8'), outcome.markdown);
  assert.deepEqual(JSON.parse(readFileSync(join(outcome.dir, 'summary.json'), 'utf8')), report);
  assert.match(outcome.markdown, /\| scorer \| platformatic \|/);
  assert.ok(existsSync(join(outcome.dir, 'scorer.log')), 'the children log into the results folder');

  const admin = new Admin(baseClientOptions(brokers, 'lt-drain-test'));
  t.after(() => admin.close());
  const left = (await admin.listTopics()).filter((name) => name.startsWith(`${report.runId}-`));
  assert.deepEqual(left, [], 'the run deleted its topics');
});
