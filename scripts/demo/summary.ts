import type { LatencySnapshot } from '../../services/scorer/src/metrics/snapshot.ts';
import type { DetectionQuality } from './observer.ts';

export interface DemoSummary {
  readonly sent: number;
  readonly sendSeconds: number;
  /** How far the simulator fell behind its send schedule at worst. */
  readonly behindMaxMs: number;
  readonly quality: DetectionQuality;
  /** Sent transactions whose decision was not seen. */
  readonly pending: number;
  readonly latency: LatencySnapshot | undefined;
}

const ms = (us: number) => (us >= 100_000 ? `${(us / 1000).toFixed(0)} ms` : `${(us / 1000).toFixed(2)} ms`);
const pct = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`);

export function printSummary(s: DemoSummary): void {
  const q = s.quality;
  const genuine = q.decided - q.frauds;
  const alerts = q.caught + q.falseAlerts;
  const lines = [
    '',
    '── demo summary ─────────────────────────────────────────────',
    `transactions sent      ${s.sent} in ${s.sendSeconds.toFixed(1)} s (${(s.sent / s.sendSeconds).toFixed(0)}/s; simulator at worst ${s.behindMaxMs.toFixed(0)} ms behind schedule)`,
    `decisions read         ${q.warmup} in the warm-up days, then ${q.decided}${s.pending > 0 ? ` (${s.pending} not seen)` : ''}: APPROVE ${q.byAction.APPROVE}, REVIEW ${q.byAction.REVIEW}, DECLINE ${q.byAction.DECLINE}; degraded ${q.degraded}`,
  ];
  const l = s.latency;
  if (l) {
    const row = (name: 'process' | 'e2e' | 'model_call') => {
      const c = l.latency[name].cumulative;
      return c.count === 0
        ? `${name.padEnd(22)} (no data)`
        : `${name.padEnd(22)} p50 ${ms(c.p50)}  p99 ${ms(c.p99)}  p99.9 ${ms(c.p99_9)}  max ${ms(c.max)}  (n=${c.count})`;
    };
    lines.push(
      `scorer                 ${l.totals.transactionsIn} in, ${l.totals.decisionsOut} decisions, ${l.totals.deadLetters} dead letters, model ${l.modelVersion ?? '?'}`,
      row('process'),
      row('e2e'),
      row('model_call'),
      ...liveQuality(l),
    );
  } else {
    lines.push('scorer                 (its /api/latency did not answer)');
  }
  if (q.decided === 0) {
    lines.push(
      'detection quality      (every decision fell in the warm-up days: run longer, or lower --warmup-days)',
      '─────────────────────────────────────────────────────────────',
    );
    console.log(lines.join('\n'));
    return;
  }
  lines.push(
    `fraud caught           ${q.caught} of ${q.frauds} (${pct(q.caught, q.frauds)}) reviewed or declined; ${q.declinedFrauds} declined`,
    `false-positive rate    ${pct(q.falseAlerts, genuine)} of ${genuine} genuine transactions reviewed or declined (${q.declinedGenuine} declined)`,
    `alert precision        ${pct(q.caught, alerts)} of ${alerts} alerts were fraud; DECLINE precision ${pct(q.declinedFrauds, q.declinedFrauds + q.declinedGenuine)}`,
    '─────────────────────────────────────────────────────────────',
  );
  console.log(lines.join('\n'));
}

/** The scorer's own live quality, from the fraud reports it has read (they come later than the demo's truth). */
function liveQuality(l: LatencySnapshot): string[] {
  const q = l.quality;
  const champion = q?.models.find((m) => m.role === 'champion');
  if (!q?.window || champion === undefined) return ['live quality           (not worked out yet)'];
  const share = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  const days = (q.windowMs / 86_400_000).toFixed(0);
  return [
    `live quality           ${champion.frauds} fraud reports on ${champion.rows} decisions of the last ${days} simulated days ` +
      `(${share(champion.labelledShare)} old enough to be labelled): flagged recall ${share(champion.flaggedRecall)}, ` +
      `precision ${share(champion.flaggedPrecision)}, AP ${champion.averagePrecision?.toFixed(3) ?? 'n/a'}`,
  ];
}
