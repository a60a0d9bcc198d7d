import type { Clock } from '../clock.ts';
import { BenchError, errorMessage } from '../errors.ts';
import type { PreparedRecord } from './transaction-pool.ts';

/** Where microsecond observations go (an HDR histogram in the runner, an array in tests). */
export interface LatencyRecorder {
  record(us: number): void;
}

export interface Outgoing {
  readonly seq: number;
  readonly record: PreparedRecord;
  /** Epoch µs at which the schedule said to send it: travels as the `lt-intended-us` header. */
  readonly intendedUs: number;
}

export interface OpenLoopSendOptions {
  readonly records: readonly PreparedRecord[];
  /** Intended send time of each record, ms after `startUs`; non-decreasing. */
  readonly offsetsMs: Float64Array;
  readonly startUs: number;
  /** One produce request; resolves when the broker acknowledges it. */
  readonly send: (batch: readonly Outgoing[]) => Promise<void>;
  readonly maxInFlight: number;
  readonly maxBatch: number;
  readonly clock: Clock;
  /** Actual minus intended send time of each record: how far the generator itself is behind. */
  readonly lag: LatencyRecorder;
  /** Lag is recorded for records intended at or after this offset (ms): the warm-up is left out. */
  readonly lagFromMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface SendReport {
  readonly sent: number;
  readonly acked: number;
  /** Over the whole phase, warm-up included. */
  readonly maxLagUs: number;
  /** Times records were due but every produce slot was taken: the generator, not the target, was behind. */
  readonly inFlightFullWaits: number;
  readonly inFlightFullUs: number;
  /** From the schedule's start to the last acknowledgement. */
  readonly elapsedUs: number;
  readonly stoppedBy: 'done' | 'signal';
}

/**
 * Sends pre-generated records when the schedule says, never when an earlier send is acknowledged. Everything
 * due goes out in the next request (up to `maxBatch`), so a late loop catches up instead of lowering the rate;
 * past `maxInFlight` unacknowledged requests it waits, and that wait shows as lag rather than as a lower rate.
 */
export class OpenLoopSender {
  readonly #options: OpenLoopSendOptions;
  #sent = 0;
  #acked = 0;
  #inFlight = 0;
  #lagUs = 0;
  #maxLagUs = 0;
  #fullWaits = 0;
  #fullUs = 0;

  constructor(options: OpenLoopSendOptions) {
    if (options.offsetsMs.length !== options.records.length) throw new RangeError('one offset per record');
    this.#options = options;
  }

  get sent(): number {
    return this.#sent;
  }

  get acked(): number {
    return this.#acked;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Lag of the latest request, µs. */
  get lagUs(): number {
    return this.#lagUs;
  }

  async run(): Promise<SendReport> {
    const { records, offsetsMs, startUs, clock, maxBatch, maxInFlight, signal, lag } = this.#options;
    const lagFromMs = this.#options.lagFromMs ?? 0;
    const pending = new Set<Promise<void>>();
    let failure: unknown;
    let stoppedBy: SendReport['stoppedBy'] = 'done';
    let i = 0;
    while (i < records.length && failure === undefined) {
      if (signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      const now = clock.nowUs();
      const dueUs = startUs + offsetsMs[i]! * 1000;
      if (dueUs > now) {
        await clock.sleepMs((dueUs - now) / 1000);
        continue;
      }
      if (pending.size >= maxInFlight) {
        this.#fullWaits++;
        await Promise.race(pending);
        this.#fullUs += clock.nowUs() - now;
        continue;
      }
      const batch: Outgoing[] = [];
      while (i < records.length && batch.length < maxBatch) {
        const intendedUs = startUs + offsetsMs[i]! * 1000;
        if (intendedUs > now) break;
        batch.push({ seq: i, record: records[i]!, intendedUs });
        if (offsetsMs[i]! >= lagFromMs) lag.record(now - intendedUs);
        i++;
      }
      this.#lagUs = now - batch[0]!.intendedUs;
      if (this.#lagUs > this.#maxLagUs) this.#maxLagUs = this.#lagUs;
      this.#sent += batch.length;
      this.#inFlight++;
      const request: Promise<void> = this.#options.send(batch).then(
        () => {
          this.#acked += batch.length;
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      const tracked = request.finally(() => {
        this.#inFlight--;
        pending.delete(tracked);
      });
      pending.add(tracked);
    }
    await Promise.all(pending);
    if (failure !== undefined) {
      throw new BenchError('SEND_FAILED', `the generator's produce request failed: ${errorMessage(failure)}`, {
        cause: failure,
      });
    }
    return {
      sent: this.#sent,
      acked: this.#acked,
      maxLagUs: this.#maxLagUs,
      inFlightFullWaits: this.#fullWaits,
      inFlightFullUs: this.#fullUs,
      elapsedUs: clock.nowUs() - startUs,
      stoppedBy,
    };
  }
}
