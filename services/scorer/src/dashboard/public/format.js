// Number formatting for the dashboard. Latencies arrive in microseconds.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Three significant digits, as the histograms hold them. */
function significant(value) {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatLatency(us) {
  if (typeof us !== 'number' || !Number.isFinite(us)) return '–';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${significant(us / 1000)} ms`;
  return `${significant(us / 1_000_000)} s`;
}

export function formatCount(n) {
  return typeof n === 'number' && Number.isFinite(n) ? integer.format(n) : '–';
}

export function formatRate(perSecond) {
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond)) return '–';
  return perSecond < 10 && perSecond !== 0 ? perSecond.toFixed(1) : integer.format(perSecond);
}

export function formatPercent(fraction) {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : '–';
}

export function formatUptime(seconds) {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s % 60)}s` : `${m}m ${pad(s % 60)}s`;
}

export function formatClock(epochMs) {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
}

/** "90%", "99%", "99.9%" for decades of nines on the percentile axis. */
export function formatNines(decades) {
  if (decades === 0) return '0%';
  return `${(100 - 100 / 10 ** decades).toFixed(Math.max(decades - 2, 0))}%`;
}

/** Sorted partition numbers, three or more in a row as a range: [0, 1, 2, 3, 7, 9, 10] → "0–3, 7, 9, 10". */
export function formatPartitions(partitions) {
  const runs = [];
  for (const p of partitions) {
    const run = runs.at(-1);
    if (run && p === run[1] + 1) run[1] = p;
    else runs.push([p, p]);
  }
  return runs
    .map(([from, to]) => (to - from >= 2 ? `${from}–${to}` : from === to ? `${from}` : `${from}, ${to}`))
    .join(', ');
}
