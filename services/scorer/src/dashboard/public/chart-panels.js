// The charts of the page, drawn from a snapshot (latencies in µs).
import { drawLineChart, drawStackedShares, linearTicks, logRange, logTicks } from './charts.js';
import { formatClock, formatCount, formatLatency, formatNines, formatRate } from './format.js';

const WINDOWS = [
  { key: 'cumulative', label: 'since start' },
  { key: 'interval', label: 'last interval' },
];
export const OVER_TIME = [
  { key: 'p50', label: 'p50', color: '#5eb1ff' },
  { key: 'p99', label: 'p99', color: '#f5b942' },
  { key: 'p99_9', label: 'p99.9', color: '#ff7a59' },
  { key: 'max', label: 'max', color: '#c678dd' },
];
export const DISTRIBUTION = [
  { key: 'process', label: 'process', color: '#5eb1ff' },
  { key: 'e2e', label: 'e2e', color: '#7ee0a1' },
];
export const ACTIONS = [
  { key: 'APPROVE', color: '#4caf7d' },
  { key: 'REVIEW', color: '#f5b942' },
  { key: 'DECLINE', color: '#ef5b5b' },
];
export const THROUGHPUT = [
  { key: 'in', label: 'transactions in', color: '#5eb1ff' },
  { key: 'out', label: 'decisions out', color: '#7ee0a1' },
];

const byTestId = (id) => document.querySelector(`[data-testid="${CSS.escape(id)}"]`);

function timeAxis(history) {
  const xs = history.map((p) => p.endedAt);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const count = Math.min(history.length, 5);
  const ticks = [];
  for (let i = 0; i < count; i++) {
    const value = count === 1 ? max : min + ((max - min) * i) / (count - 1);
    ticks.push({ value, label: formatClock(value) });
  }
  return { kind: 'linear', min: min === max ? min - 1 : min, max, ticks };
}

export function renderOverTime(s, selected) {
  const history = s.history.filter((p) => p.latency[selected].count > 0);
  const { min, max } = logRange(history.flatMap((p) => OVER_TIME.map((line) => p.latency[selected][line.key])));
  drawLineChart(byTestId('chart-latency-over-time'), {
    x: history.length > 0 ? timeAxis(history) : { kind: 'linear', min: 0, max: 1, ticks: [] },
    y: { kind: 'log', min, max, ticks: logTicks(min, max).map((v) => ({ value: v, label: formatLatency(v) })) },
    // Drawn from max down to p50: where a higher percentile equals the max (few observations), it still shows.
    series: OVER_TIME.map((line) => ({
      ...line,
      points: history.map((p) => ({
        x: p.endedAt,
        y: p.latency[selected][line.key],
        title: `${line.label} ${formatClock(p.endedAt)}: ${formatLatency(p.latency[selected][line.key])}`,
      })),
    })).reverse(),
    emptyText: 'Waiting for a completed interval with observations…',
  });
}

/** x = log10(1 / (1 - p)), as HdrHistogram's plotter; the max sits where the last observation resolves. */
export function renderDistribution(s) {
  const series = [];
  for (const latency of DISTRIBUTION) {
    for (const window of WINDOWS) {
      const stats = s.latency[latency.key][window.key];
      const points = (stats.distribution ?? []).map((d) => ({
        x: d.percentile >= 100 ? Math.log10(stats.count) : Math.log10(1 / (1 - d.percentile / 100)),
        y: d.value,
        title: `${latency.label} ${window.label} ${d.percentile >= 100 ? 'max' : formatNinesExact(d.percentile)}: ${formatLatency(d.value)}`,
      }));
      series.push({
        key: `${latency.key}-${window.key}`,
        label: latency.label,
        color: latency.color,
        dashed: window.key === 'interval',
        points,
      });
    }
  }
  const xMax = Math.max(1, Math.ceil(Math.max(0, ...series.flatMap((l) => l.points.map((p) => p.x)))));
  const { min, max } = logRange(series.flatMap((l) => l.points.map((p) => p.y)));
  const xTicks = [];
  for (let d = 0; d <= xMax; d++) xTicks.push({ value: d, label: formatNines(d) });
  drawLineChart(byTestId('chart-percentile-distribution'), {
    x: { kind: 'linear', min: 0, max: xMax, ticks: xTicks },
    y: { kind: 'log', min, max, ticks: logTicks(min, max).map((v) => ({ value: v, label: formatLatency(v) })) },
    series,
    emptyText: 'Waiting for observations…',
  });
}

function formatNinesExact(percentile) {
  return `${Number(percentile.toPrecision(6))}%`;
}

export function renderThroughput(s) {
  const history = s.history;
  const max = Math.max(4, ...history.flatMap((p) => [p.inPerSecond, p.outPerSecond]));
  const ticks = linearTicks(max);
  const top = ticks.at(-1) ?? max;
  drawLineChart(byTestId('chart-throughput'), {
    x: history.length > 0 ? timeAxis(history) : { kind: 'linear', min: 0, max: 1, ticks: [] },
    y: { kind: 'linear', min: 0, max: top, ticks: ticks.map((v) => ({ value: v, label: formatRate(v) })) },
    series: THROUGHPUT.map((line) => ({
      ...line,
      points: history.map((p) => {
        const y = line.key === 'in' ? p.inPerSecond : p.outPerSecond;
        return { x: p.endedAt, y, title: `${line.label} ${formatClock(p.endedAt)}: ${formatRate(y)}/s` };
      }),
    })),
    emptyText: 'Waiting for a completed interval…',
  });
}

export function renderMixChart(s) {
  drawStackedShares(byTestId('chart-decision-mix'), {
    columns: s.history.map((p) => ({
      parts: p.decisions,
      title: `${formatClock(p.endedAt)}: ${ACTIONS.map((a) => `${a.key} ${formatCount(p.decisions[a.key])}`).join(', ')}`,
    })),
    keys: ACTIONS,
    emptyText: 'No decisions yet',
  });
}
