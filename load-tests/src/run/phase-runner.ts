import type { Producer } from '@platformatic/kafka';
import type { Histogram } from 'hdr-histogram-js';
import type { Clock } from '../clock.ts';
import type { Arrivals, TargetName } from '../config.ts';
import { BenchError, errorMessage } from '../errors.ts';
import { OpenLoopSender } from '../generator/open-loop-sender.ts';
import { scheduleOffsets } from '../generator/schedule-offsets.ts';
import type { PreparedRecord } from '../generator/transaction-pool.ts';
import { sendRecords } from '../kafka/load-producer.ts';
import { DecisionTracker } from '../measure/decision-tracker.ts';
import type { TrackerCounts } from '../measure/decision-tracker.ts';
import { LatencyHistogram, histogramDelta, statsOf } from '../measure/histograms.ts';
import type { HistogramStats } from '../measure/histograms.ts';
import type { MatchRegistry } from '../measure/match-registry.ts';
import { fetchScorerCumulative, fetchScorerCumulativeSettled } from '../measure/scorer-latency.ts';
import type { ScorerCumulative } from '../measure/scorer-latency.ts';

/** The header that carries each record's intended send time, epoch microseconds as decimal text. */
export const INTENDED_HEADER = 'lt-intended-us';
const INTENDED_HEADER_BYTES = Buffer.from(INTENDED_HEADER);

export interface PhaseTarget {
  readonly name: TargetName;
  readonly inputTopic: string;
  /** Fed by the consumer of this target's output topic. */
  readonly registry: MatchRegistry;
  /** The scorer's HTTP base URL, for its own histograms. */
  readonly scorerUrl?: string | undefined;
  readonly scorerIntervalMs?: number | undefined;
}

export interface PhaseSpec {
  readonly label: string;
  readonly rate: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly arrivals: Arrivals;
  readonly seed: number;
}

export interface PhaseDeps {
  readonly producer: Producer;
  readonly clock: Clock;
  readonly maxInFlight: number;
  readonly maxBatch: number;
  readonly drainMs: number;
  readonly progressEveryMs: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

export interface GeneratorStats {
  /** Actual minus intended send time per record, µs. */
  readonly lag: HistogramStats;
  readonly inFlightFullWaits: number;
  readonly inFlightFullMs: number;
}

export interface PhaseResult {
  readonly target: TargetName;
  readonly label: string;
  readonly rate: number;
  readonly arrivals: Arrivals;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly counts: TrackerCounts;
  /** Measured outputs per second over the measured window (from its start to the last output). */
  readonly throughputPerSecond: number;
  /** Intended send → output consumed, µs, measured records only. */
  readonly latency: HistogramStats;
  readonly generator: GeneratorStats;
  /** The scorer's own histograms over the phase's measured window (scorer target only). */
  readonly scorer?: { readonly process: HistogramStats; readonly e2e: HistogramStats } | undefined;
}

export interface PhaseOutcome {
  readonly result: PhaseResult;
  /** The caller writes it out and destroys it (WASM memory). */
  readonly latency: LatencyHistogram;
  readonly scorerE2e?: Histogram | undefined;
}

// Headroom between building the schedule and its first send, so set-up never shows as lag.
const LEAD_MS = 500;

/** One open-loop run of pre-generated records against one target, with its warm-up, drain and figures. */
export async function runPhase(
  target: PhaseTarget,
  spec: PhaseSpec,
  records: readonly PreparedRecord[],
  deps: PhaseDeps,
): Promise<PhaseOutcome> {
  const { clock, log } = deps;
  const offsets = scheduleOffsets(records.length, spec.rate, spec.arrivals, spec.seed);
  const startUs = clock.nowUs() + LEAD_MS * 1000;
  const measureFromUs = startUs + spec.warmupMs * 1000;
  const intendedUs = offsets.map((ms) => startUs + ms * 1000);
  const latency = new LatencyHistogram();
  const lag = new LatencyHistogram();
  const tracker = new DecisionTracker(
    records.map((r) => r.transactionId),
    intendedUs,
    measureFromUs,
    latency,
  );
  target.registry.register(tracker);
  const sender = new OpenLoopSender({
    records,
    offsetsMs: offsets,
    startUs,
    maxInFlight: deps.maxInFlight,
    maxBatch: deps.maxBatch,
    clock,
    lag,
    lagFromMs: spec.warmupMs,
    signal: deps.signal,
    send: (batch) => {
      for (const o of batch) tracker.markSent(o.seq);
      return sendRecords(
        deps.producer,
        target.inputTopic,
        batch.map((o) => ({
          key: o.record.key,
          value: o.record.value,
          headers: new Map([[INTENDED_HEADER_BYTES, Buffer.from(String(Math.round(o.intendedUs)))]]),
        })),
      );
    },
  });

  const name = `${target.name} ${spec.label} ${spec.rate}/s`;
  const totalMs = spec.warmupMs + spec.measureMs;
  let before: Promise<ScorerCumulative> | undefined;
  const beforeTimer =
    target.scorerUrl === undefined
      ? undefined
      : setTimeout(
          () => {
            before = fetchScorerCumulative(target.scorerUrl!);
            // Awaited after the drain; until then a failure must not count as unhandled.
            before.catch(() => {});
          },
          Math.max(0, (measureFromUs - clock.nowUs()) / 1000),
        );
  const progress = setInterval(() => {
    const c = tracker.counts();
    const elapsed = (clock.nowUs() - startUs) / 1e6;
    const behind = sender.lagUs > 10_000 ? `  GENERATOR BEHIND by ${(sender.lagUs / 1000).toFixed(0)} ms` : '';
    log(
      `  ${name}  ${elapsed.toFixed(0)}s/${(totalMs / 1000).toFixed(0)}s  sent ${c.sent}  decided ${c.decided}  in flight ${sender.inFlight}${behind}`,
    );
  }, deps.progressEveryMs);

  try {
    const report = await sender.run();
    if (report.stoppedBy === 'signal') throw new BenchError('ABORTED', 'interrupted');
    const drainUntil = Date.now() + deps.drainMs;
    while (!tracker.complete && Date.now() < drainUntil) {
      if (deps.signal?.aborted) throw new BenchError('ABORTED', 'interrupted');
      await clock.sleepMs(20);
    }
    clearInterval(progress);
    clearTimeout(beforeTimer);

    let scorer: PhaseResult['scorer'];
    let scorerE2e: Histogram | undefined;
    if (target.scorerUrl !== undefined) {
      try {
        const start = await (before ?? Promise.resolve(undefined));
        const end = await fetchScorerCumulativeSettled(target.scorerUrl, target.scorerIntervalMs ?? 1_000);
        if (end.process !== undefined && end.e2e !== undefined) {
          scorerE2e = histogramDelta(start?.e2e, end.e2e);
          scorer = { process: statsOf(histogramDelta(start?.process, end.process)), e2e: statsOf(scorerE2e) };
        }
      } catch (error) {
        // The client-side figures stand on their own; the scorer's are a cross-check.
        log(`  ${name}: no scorer-side figures: ${errorMessage(error)}`);
      }
    }

    const counts = tracker.counts();
    const windowS = (counts.lastMeasuredUs - measureFromUs) / 1e6;
    const result: PhaseResult = {
      target: target.name,
      label: spec.label,
      rate: spec.rate,
      arrivals: spec.arrivals,
      warmupMs: spec.warmupMs,
      measureMs: spec.measureMs,
      counts,
      throughputPerSecond: windowS > 0 ? counts.measured / windowS : 0,
      latency: latency.stats(),
      generator: {
        lag: lag.stats(),
        inFlightFullWaits: report.inFlightFullWaits,
        inFlightFullMs: report.inFlightFullUs / 1000,
      },
      scorer,
    };
    return { result, latency, scorerE2e };
  } catch (error) {
    latency.destroy();
    throw error;
  } finally {
    clearInterval(progress);
    clearTimeout(beforeTimer);
    lag.destroy();
  }
}
