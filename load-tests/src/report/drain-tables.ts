import type { DrainComparison, DrainResult } from '../drain/drain-figures.ts';
import type { DrainReport } from './drain-report.ts';
import { markdownTable, runHeaderLines } from './markdown-table.ts';

/** The drain report as Markdown: what `bench.ts --mode drain` prints and `results.md` keeps. */
export function drainMarkdown(report: DrainReport): string {
  const lines = [
    ...runHeaderLines(report),
    `Backlog: ${report.backlog.records} transactions of ${report.messageBytes} bytes (framed Avro) on ${report.partitions} ` +
      `partitions, produced in ${(report.backlog.produceMs / 1000).toFixed(1)} s before any target ran.`,
    '',
    drainTable(report.targets),
    '',
    comparisonTable(report.comparisons),
    '',
    ...report.method.map((line) => `- ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function drainTable(results: readonly DrainResult[]): string {
  const header = [
    'target',
    'client',
    'node',
    'records',
    'outputs',
    'first → last output (s)',
    'records/s',
    'CPU (s)',
    'CPU µs/record',
    'cores',
    'load 1m start → end',
    'start-up (s)',
    'degraded',
  ];
  const rows = results.map((r) => [
    r.label,
    r.client,
    r.node,
    String(r.records),
    String(r.outputs),
    ((r.lastOutputMs - r.firstOutputMs) / 1000).toFixed(2),
    r.recordsPerSecond === undefined ? '—' : r.recordsPerSecond.toFixed(0),
    (r.cpuUs / 1e6).toFixed(2),
    r.cpuUsPerRecord.toFixed(1),
    r.cores.toFixed(2),
    `${r.loadAverage1m.start.toFixed(2)} → ${r.loadAverage1m.end.toFixed(2)}`,
    (r.startUpMs / 1000).toFixed(1),
    r.degraded === undefined ? '—' : String(r.degraded),
  ]);
  return `Drain of one backlog, each target in turn:\n\n${markdownTable(header, rows)}`;
}

export function comparisonTable(comparisons: readonly DrainComparison[]): string {
  if (comparisons.length === 0) return 'Comparisons: none (this run had fewer than two comparable targets).';
  const header = ['a vs b', 'what it shows', 'records/s a ÷ b', 'CPU µs/record a − b', 'CPU/record a ÷ b'];
  const rows = comparisons.map((c) => [
    `${c.a} vs ${c.b}`,
    c.what,
    c.rateRatio === undefined ? '—' : `${c.rateRatio.toFixed(2)}×`,
    `${c.cpuUsPerRecordDelta >= 0 ? '+' : ''}${c.cpuUsPerRecordDelta.toFixed(1)}`,
    c.cpuRatio === undefined ? '—' : `${c.cpuRatio.toFixed(2)}×`,
  ]);
  return `Comparisons:\n\n${markdownTable(header, rows)}`;
}
