import type { TargetName } from '../config.ts';
import { percentileDistribution } from '../../../services/scorer/src/metrics/histogram-stats.ts';
import type { PhaseOutcome } from '../run/phase-runner.ts';
import type { BenchReport } from './bench-report.ts';
import { percentileChartSvg } from './chart.ts';
import type { ChartSeries } from './chart.ts';
import { writeResult } from './results-folder.ts';
import { resultsMarkdown } from './tables.ts';

export type FixedOutcomes = Partial<Record<TargetName, PhaseOutcome>>;

/**
 * Writes the results folder: `.hgrm` distributions of the fixed-rate runs (the sweep's are written as they
 * finish), `chart.svg`, `results.md` and `summary.json` (the report with the list of files).
 */
export function writeReport(
  dir: string,
  report: BenchReport,
  fixed: FixedOutcomes,
): { report: BenchReport; markdown: string } {
  const files = [...report.files];
  const series: ChartSeries[] = [];
  const colors: Record<TargetName, string> = { scorer: '#1f5fbf', 'pass-through': '#2a9d4b' };
  for (const name of ['scorer', 'pass-through'] as const) {
    const outcome = fixed[name];
    if (!outcome) continue;
    files.push(writeResult(dir, `${name}-fixed.hgrm`, outcome.latency.hgrm()));
    series.push({
      kind: 'curve',
      label: `${name}: intended send → output consumed (${outcome.result.counts.measured} at ${outcome.result.rate}/s)`,
      color: colors[name],
      count: outcome.result.counts.measured,
      points: percentileDistribution(outcome.latency.histogram).map((p) => ({
        percentile: p.percentile,
        ms: p.value / 1000,
      })),
    });
    if (outcome.scorerE2e && outcome.scorerE2e.totalCount > 0) {
      files.push(
        writeResult(dir, `${name}-side-e2e-fixed.hgrm`, outcome.scorerE2e.outputPercentileDistribution(5, 1000)),
      );
      series.push({
        kind: 'curve',
        label: `${name}'s own e2e (Kafka timestamp → decision acked, /api/latency)`,
        color: colors[name],
        dashed: true,
        count: outcome.scorerE2e.totalCount,
        points: percentileDistribution(outcome.scorerE2e).map((p) => ({
          percentile: p.percentile,
          ms: p.value / 1000,
        })),
      });
    }
  }
  const e2e = report.endToEndLatency;
  if (e2e) {
    series.push({
      kind: 'ranges',
      label: `Kafka EndToEndLatency p50/p99/p99.9 (closed loop, whole ms: bar = [v, v+1) ms)`,
      color: '#e07b00',
      points: [
        { percentile: 50, fromMs: e2e.p50Ms, toMs: e2e.p50Ms + 1 },
        { percentile: 99, fromMs: e2e.p99Ms, toMs: e2e.p99Ms + 1 },
        { percentile: 99.9, fromMs: e2e.p999Ms, toMs: e2e.p999Ms + 1 },
      ],
    });
  }
  const m = report.machine;
  files.push(
    writeResult(
      dir,
      'chart.svg',
      percentileChartSvg(series, {
        title: `Latency by percentile, fixed rate ${report.fixed.scorer?.rate ?? report.fixed.passThrough?.rate ?? '?'}/s`,
        subtitle: `${report.startedAt} · ${m.cpus} CPUs · load avg ${m.loadAverageStart[0]} → ${m.loadAverageEnd[0]} · ${report.messageBytes}-byte messages`,
        budgetMs: report.budgetMs,
      }),
    ),
  );
  files.push('results.md', 'summary.json');
  const final: BenchReport = { ...report, files };
  const markdown = resultsMarkdown(final);
  writeResult(dir, 'results.md', markdown);
  writeResult(dir, 'summary.json', `${JSON.stringify(final, null, 2)}\n`);
  return { report: final, markdown };
}
