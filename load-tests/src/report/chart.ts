export interface CurveSeries {
  readonly kind: 'curve';
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** Percentile (0 to 100) → latency in ms, increasing percentiles; the 100th is the max. */
  readonly points: readonly { readonly percentile: number; readonly ms: number }[];
  /** Observations behind the curve: the max is drawn at 1/(1-p) = count. */
  readonly count: number;
}

/** Percentiles known only to whole milliseconds (truncated), drawn as bars from the value to the next ms. */
export interface RangeSeries {
  readonly kind: 'ranges';
  readonly label: string;
  readonly color: string;
  readonly points: readonly { readonly percentile: number; readonly fromMs: number; readonly toMs: number }[];
}

export type ChartSeries = CurveSeries | RangeSeries;

export interface ChartOptions {
  readonly title: string;
  readonly subtitle: string;
  readonly budgetMs?: number | undefined;
}

const W = 960;
const H = 540;
const M = { left: 70, right: 30, top: 70, bottom: 60 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/**
 * HdrHistogram's percentile plot as SVG: x is 1/(1-p) on a log axis (each decade one more nine), y is latency
 * on a log axis, so a 1 ms floor and a 100 ms tail are both readable on one chart.
 */
export function percentileChartSvg(series: readonly ChartSeries[], options: ChartOptions): string {
  // A curve of 10,233 observations still ends at four nines, not five.
  const nines = Math.max(3, Math.min(6, Math.ceil(maxNines(series) - 0.1)));
  const values = series.flatMap((s) =>
    s.kind === 'curve' ? s.points.map((p) => p.ms) : s.points.flatMap((p) => [p.fromMs, p.toMs]),
  );
  if (options.budgetMs !== undefined) values.push(options.budgetMs);
  // A zero (EndToEndLatency printing 0 ms) is drawn from 0.1 ms: a log axis has no 0.
  const positive = values.map((v) => (v > 0 ? v : 0.1));
  const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...positive, 10)));
  const x = (percentile: number, count = Infinity): number => {
    const inverse = percentile >= 100 ? count : 1 / (1 - percentile / 100);
    return M.left + (Math.min(Math.log10(inverse), nines) / nines) * PW;
  };
  const y = (ms: number): number => M.top + PH - ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * PH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(options.title)}</text>`,
    `<text x="${M.left}" y="44" fill="#555">${esc(options.subtitle)}</text>`,
  ];
  for (let d = 0; d <= nines; d++) {
    const px = M.left + (d / nines) * PW;
    const label = d === 0 ? '0%' : `${(100 - 100 / 10 ** d).toFixed(Math.max(0, d - 2))}%`;
    parts.push(`<line x1="${px}" y1="${M.top}" x2="${px}" y2="${M.top + PH}" stroke="#ddd"/>`);
    parts.push(`<text x="${px}" y="${M.top + PH + 18}" text-anchor="middle">${label}</text>`);
  }
  for (let e = lo; e <= hi; e++) {
    const py = y(10 ** e);
    parts.push(`<line x1="${M.left}" y1="${py}" x2="${M.left + PW}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 8}" y="${py + 4}" text-anchor="end">${fmtMs(10 ** e)}</text>`);
  }
  parts.push(`<text x="${M.left + PW / 2}" y="${H - 14}" text-anchor="middle">percentile</text>`);
  parts.push(
    `<text transform="translate(18 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>`,
  );
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="none" stroke="#999"/>`);
  if (options.budgetMs !== undefined) {
    const py = y(options.budgetMs);
    parts.push(`<line x1="${M.left}" y1="${py}" x2="${M.left + PW}" y2="${py}" stroke="#c00" stroke-dasharray="6 4"/>`);
    parts.push(
      `<text x="${M.left + PW - 4}" y="${py - 5}" text-anchor="end" fill="#c00">budget ${options.budgetMs} ms</text>`,
    );
  }
  for (const s of series) {
    if (s.kind === 'curve') {
      const d = s.points
        .map((p, j) => `${j === 0 ? 'M' : 'L'}${fix(x(p.percentile, s.count))},${fix(y(p.ms))}`)
        .join(' ');
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    } else {
      for (const p of s.points) {
        const px = x(p.percentile);
        parts.push(
          `<rect x="${fix(px - 4)}" y="${fix(y(p.toMs))}" width="8" height="${fix(Math.max(2, y(p.fromMs) - y(p.toMs)))}" fill="${s.color}" opacity="0.7"/>`,
        );
        parts.push(
          `<text x="${fix(px + 7)}" y="${fix(y(p.toMs) + 4)}" fill="${s.color}">${p.fromMs}–${p.toMs} ms</text>`,
        );
      }
    }
  }
  // The legend last, on a white card, so no curve runs through its text.
  const longest = Math.max(...series.map((s) => s.label.length));
  parts.push(
    `<rect x="${M.left + 6}" y="${M.top + 4}" width="${fix(40 + longest * 6.2)}" height="${series.length * 18 + 8}" fill="white" opacity="0.9" stroke="#ccc"/>`,
  );
  series.forEach((s, i) => {
    const ly = M.top + 16 + i * 18;
    if (s.kind === 'curve') {
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      parts.push(
        `<line x1="${M.left + 10}" y1="${ly - 4}" x2="${M.left + 30}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      );
    } else {
      parts.push(`<rect x="${M.left + 16}" y="${ly - 9}" width="8" height="10" fill="${s.color}" opacity="0.7"/>`);
    }
    parts.push(`<text x="${M.left + 36}" y="${ly}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function maxNines(series: readonly ChartSeries[]): number {
  let nines = 0;
  for (const s of series) {
    if (s.kind === 'curve') nines = Math.max(nines, Math.log10(Math.max(1, s.count)));
    else for (const p of s.points) nines = Math.max(nines, Math.log10(1 / (1 - p.percentile / 100)));
  }
  return nines;
}

function fmtMs(ms: number): string {
  return ms >= 1 ? `${ms}` : ms.toPrecision(1);
}

function fix(n: number): string {
  return n.toFixed(1);
}

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
