import type { HistogramStats } from '../measure/histograms.ts';
import type { PhaseResult } from '../run/phase-runner.ts';
import type { SweepStep } from '../run/sweep-verdict.ts';
import type { BenchReport } from './bench-report.ts';
import { markdownTable as markdown, runHeaderLines } from './markdown-table.ts';

const PCTS = ['p50', 'p90', 'p99', 'p99_9', 'p99_99'] as const;

/** The report as Markdown: what `bench.ts` prints and `results.md` keeps. Latencies in ms. */
export function resultsMarkdown(report: BenchReport): string {
  const lines = [
    ...runHeaderLines(report),
    `Message: ${report.messageBytes} bytes (framed Avro Transaction), ${report.partitions} partitions, ${report.arrivals} arrivals.`,
    '',
    fixedTable(report),
    '',
    ratioTable(report),
    '',
    generatorTable(report),
  ];
  if (report.sweep.scorer.length + report.sweep.passThrough.length > 0) lines.push('', sweepTable(report));
  return `${lines.join('\n')}\n`;
}

export function fixedTable(report: BenchReport): string {
  const header = [
    'run',
    'rate/s',
    'sent',
    'decided',
    'missing',
    'dup',
    'achieved/s',
    'p50',
    'p90',
    'p99',
    'p99.9',
    'p99.99',
    'max',
    'mean',
  ];
  const rows: string[][] = [];
  const e2e = report.endToEndLatency;
  if (e2e) {
    rows.push([
      `Kafka EndToEndLatency (closed loop, whole ms truncated)`,
      '—',
      String(e2e.messages),
      String(e2e.messages),
      '0',
      '0',
      '—',
      String(e2e.p50Ms),
      '—',
      String(e2e.p99Ms),
      String(e2e.p999Ms),
      '—',
      '—',
      e2e.avgMs.toFixed(2),
    ]);
  }
  for (const phase of [report.fixed.passThrough, report.fixed.scorer]) {
    if (!phase) continue;
    rows.push(phaseRow(`${phase.target} (intended send → output consumed)`, phase));
    if (phase.scorer) {
      rows.push(statsRow('  scorer-side process (its /api/latency)', phase.scorer.process));
      rows.push(statsRow('  scorer-side e2e (Kafka timestamp → ack)', phase.scorer.e2e));
    }
  }
  return `Fixed rate${report.fixed.scorer ? ` ${report.fixed.scorer.rate}/s` : ''}, latencies in ms:\n\n${markdown(header, rows)}`;
}

export function ratioTable(report: BenchReport): string {
  const { scorer, passThrough } = report.fixed;
  const e2e = report.endToEndLatency;
  const header = ['ratio', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'mean'];
  const rows: string[][] = [];
  const vs = (label: string, a: HistogramStats, b: HistogramStats): string[] => [
    label,
    ...PCTS.map((p) => times(a[p], b[p])),
    times(a.max, b.max),
    times(a.mean, b.mean),
  ];
  // EndToEndLatency truncates to whole ms: a printed 1 means 1 to 2 ms, so the ratio is a range.
  const vsFloor = (label: string, a: HistogramStats): string[] => {
    const floor = e2e!;
    const range = (us: number, ms: number): string =>
      ms === 0
        ? `≥ ${(us / 1000).toFixed(1)}×`
        : `${(us / 1000 / (ms + 1)).toFixed(1)}–${(us / 1000 / ms).toFixed(1)}×`;
    return [
      label,
      range(a.p50, floor.p50Ms),
      '—',
      range(a.p99, floor.p99Ms),
      range(a.p99_9, floor.p999Ms),
      '—',
      '—',
      times(a.mean, floor.avgMs * 1000),
    ];
  };
  if (scorer && passThrough) rows.push(vs('scorer / pass-through', scorer.latency, passThrough.latency));
  if (scorer && e2e) rows.push(vsFloor('scorer / EndToEndLatency', scorer.latency));
  if (passThrough && e2e) rows.push(vsFloor('pass-through / EndToEndLatency', passThrough.latency));
  if (rows.length === 0) return 'Ratios: none (this run had no baseline to compare with).';
  return `Ratios (pipeline figure ÷ baseline figure):\n\n${markdown(header, rows)}`;
}

export function generatorTable(report: BenchReport): string {
  const phases: PhaseResult[] = [
    ...[report.fixed.passThrough, report.fixed.scorer].filter((p): p is PhaseResult => p !== undefined),
    ...report.sweep.scorer.map((s) => s.result),
    ...report.sweep.passThrough.map((s) => s.result),
  ];
  const header = ['phase', 'sent', 'lag p50', 'lag p99', 'lag max', 'in-flight full (times / ms)'];
  const rows = phases.map((p) => [
    `${p.target} ${p.label} ${p.rate}/s`,
    String(p.counts.sent),
    ms(p.generator.lag.p50),
    ms(p.generator.lag.p99),
    ms(p.generator.lag.max),
    `${p.generator.inFlightFullWaits} / ${p.generator.inFlightFullMs.toFixed(0)}`,
  ]);
  return `Generator (actual − intended send time, ms; its own delay, already inside the figures above):\n\n${markdown(header, rows)}`;
}

export function sweepTable(report: BenchReport): string {
  const header = ['target', 'rate/s', 'achieved/s', 'p50', 'p99', 'p99.9', 'max', 'missing', 'gen lag p99', 'verdict'];
  const row = (s: SweepStep): string[] => [
    s.result.target,
    String(s.result.rate),
    s.result.throughputPerSecond.toFixed(0),
    ms(s.result.latency.p50),
    ms(s.result.latency.p99),
    ms(s.result.latency.p99_9),
    ms(s.result.latency.max),
    String(s.result.counts.missing),
    ms(s.result.generator.lag.p99),
    s.verdict.sustainable ? 'ok' : s.verdict.reason,
  ];
  const rows = [...report.sweep.scorer.map(row), ...report.sweep.passThrough.map(row)];
  const { scorer, passThrough } = report.sweep.highestSustainable;
  const best = (name: string, rate: number | undefined, steps: readonly SweepStep[]): string =>
    steps.length === 0
      ? ''
      : `\n- ${name}: ${rate === undefined ? `below ${steps[0]!.result.rate}/s (the first step failed)` : `${rate}/s`}${steps.every((s) => s.verdict.sustainable) ? ' (every step passed: the limit is higher)' : ''}`;
  return (
    `Sweep (p99 budget ${report.budgetMs} ms), latencies in ms:\n\n${markdown(header, rows)}\n\nHighest sustainable rate:` +
    best('scorer', scorer, report.sweep.scorer) +
    best('pass-through', passThrough, report.sweep.passThrough)
  );
}

function phaseRow(label: string, p: PhaseResult): string[] {
  return [
    label,
    String(p.rate),
    String(p.counts.sent),
    String(p.counts.decided),
    String(p.counts.missing),
    String(p.counts.duplicates),
    p.throughputPerSecond.toFixed(0),
    ...PCTS.map((k) => ms(p.latency[k])),
    ms(p.latency.max),
    ms(p.latency.mean),
  ];
}

function statsRow(label: string, s: HistogramStats): string[] {
  return [label, '', '', String(s.count), '', '', '', ...PCTS.map((k) => ms(s[k])), ms(s.max), ms(s.mean)];
}

function ms(us: number): string {
  return (us / 1000).toFixed(2);
}

function times(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}×` : '—';
}
