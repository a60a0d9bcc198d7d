import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, errorMessage } from '../errors.ts';
import { histogramDelta, statsOf } from './histograms.ts';
import type { HistogramStats } from './histograms.ts';

/** The part of the scorer's `/api/latency` this tool reads (see services/scorer/src/metrics/snapshot.ts). */
export interface ScorerCumulative {
  readonly intervalIndex: number;
  readonly process: string | undefined;
  readonly e2e: string | undefined;
}

export interface ScorerSideStats {
  /** Received from the client → decision acknowledged. */
  readonly process: HistogramStats;
  /** Input record's Kafka timestamp → decision acknowledged. */
  readonly e2e: HistogramStats;
}

interface LatencyDocument {
  interval?: { index?: number };
  latency?: Record<string, { cumulative?: { encoded?: string } }>;
}

export async function fetchScorerCumulative(url: string): Promise<ScorerCumulative> {
  let doc: LatencyDocument;
  try {
    const response = await fetch(`${url}/api/latency?distribution=false`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    doc = (await response.json()) as LatencyDocument;
  } catch (error) {
    throw new BenchError('SCORER_API_FAILED', `cannot read ${url}/api/latency: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return {
    intervalIndex: doc.interval?.index ?? 0,
    process: doc.latency?.['process']?.cumulative?.encoded,
    e2e: doc.latency?.['e2e']?.cumulative?.encoded,
  };
}

/**
 * The scorer's cumulative histograms after the next interval rotation: everything decided before this call is
 * then in them (they change only when an interval closes).
 */
export async function fetchScorerCumulativeSettled(url: string, intervalMs: number): Promise<ScorerCumulative> {
  const now = await fetchScorerCumulative(url);
  const deadline = Date.now() + 3 * intervalMs + 2_000;
  while (Date.now() < deadline) {
    await sleep(Math.min(250, intervalMs));
    const next = await fetchScorerCumulative(url);
    if (next.intervalIndex > now.intervalIndex) return next;
  }
  throw new BenchError(
    'SCORER_API_FAILED',
    `the scorer's metrics interval did not advance within ${3 * intervalMs} ms`,
  );
}

/** What the scorer recorded between two snapshots. */
export function scorerSideStats(
  before: ScorerCumulative | undefined,
  after: ScorerCumulative,
): ScorerSideStats | undefined {
  if (after.process === undefined || after.e2e === undefined) return undefined;
  return {
    process: statsOf(histogramDelta(before?.process, after.process)),
    e2e: statsOf(histogramDelta(before?.e2e, after.e2e)),
  };
}
