import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.ts';
import type { StartedScorer } from '../processes/services.ts';
import type { StartGate } from './start-gate.ts';

/** Starts one scorer process for a slot; resolves once it is ready (`/readyz`). */
export type LaunchScorer = (name: string, instanceId: string) => Promise<StartedScorer>;

export interface SlotEvents {
  readonly log: (line: string) => void;
  /** Something the harness did not cause: a scorer that exited by itself, failed to start or stopped uncleanly. */
  readonly unexpected: (what: string) => void;
}

/** Starts a slot tries before it gives up (each failure is reported as unexpected). */
const START_ATTEMPTS = 3;
/**
 * How long an instance has been ready before a kill may choose it: long enough to have decided (and, in
 * exactly-once, opened transactions), so a kill never lands on a process that has only just joined.
 */
export const MIN_UPTIME_MS = 3_000;
/** How long a frozen instance may take to be ready again after its SIGCONT (rejoin, restore) before it counts. */
const READY_AFTER_FREEZE_MS = 120_000;

/**
 * One scorer instance of the run, restarted as often as the faults ask, always under the same instance id, so a
 * new process fences the transactions its killed predecessor left open instead of waiting for their timeout.
 * Operations on a slot (start, kill-and-restart, SIGTERM-and-restart, stop) run one after the other; an exit
 * the slot did not ask for is reported and followed by a restart, so the run goes on and the report tells.
 */
export class ScorerSlot {
  readonly name: string;
  readonly instanceId: string;
  readonly #launch: LaunchScorer;
  readonly #gate: StartGate;
  readonly #events: SlotEvents;
  #scorer: StartedScorer | undefined;
  #ready = false;
  #readySince = 0;
  #expectExit = false;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  /** Processes started for this slot. */
  starts = 0;

  constructor(name: string, instanceId: string, launch: LaunchScorer, gate: StartGate, events: SlotEvents) {
    this.name = name;
    this.instanceId = instanceId;
    this.#launch = launch;
    this.#gate = gate;
    this.#events = events;
  }

  /** Ready for `MIN_UPTIME_MS` at least, and nothing pending on it: a kill may choose it. */
  get live(): boolean {
    return this.#ready && this.#busy === 0 && !this.#closed && Date.now() - this.#readySince >= MIN_UPTIME_MS;
  }

  get pid(): number | undefined {
    return this.#scorer?.service.pid;
  }

  start(): Promise<number> {
    return this.#enqueue(() => this.#start());
  }

  /**
   * SIGKILL now (no drain, no commit, an open transaction left behind); the restart follows `restartAfterMs`
   * later, once the gate lets it. Resolves when the new process is ready, with how long after the kill.
   */
  kill(restartAfterMs: number): Promise<number> {
    const scorer = this.#scorer;
    this.#ready = false;
    this.#expectExit = true;
    const killedAt = Date.now();
    scorer?.service.kill();
    return this.#enqueue(async () => {
      await scorer?.service.exited;
      await sleep(restartAfterMs);
      await this.#start();
      return Date.now() - killedAt;
    });
  }

  /**
   * SIGSTOP, and SIGCONT `forMs` later: a process paused by its machine (a long GC, a stalled VM) past its session
   * and transaction timeouts, which wakes believing it still owns its partitions and its open transaction. Resolves
   * when it is ready again, with how long after the SIGSTOP; an instance that is not is reported as unexpected.
   */
  freeze(forMs: number): Promise<number> {
    return this.#enqueue(async () => {
      const scorer = this.#scorer;
      if (scorer === undefined || !scorer.service.running) return 0;
      const began = Date.now();
      this.#ready = false;
      scorer.service.pause();
      await sleep(forMs);
      scorer.service.resume();
      try {
        const ready = async () => (await fetch(`${scorer.url}/readyz`)).ok;
        await scorer.service.waitFor(ready, READY_AFTER_FREEZE_MS, 'ready again after its SIGCONT');
      } catch (error) {
        // An exit of its own is reported by #exited; a process that stays unready is reported here.
        if (scorer.service.running) this.#events.unexpected(`${this.name}: ${errorMessage(error)}`);
        throw error;
      }
      this.#ready = true;
      this.#readySince = Date.now();
      return Date.now() - began;
    });
  }

  /** SIGTERM (a clean drain and leave), then a new process; resolves when it is ready, with how long it took. */
  restart(): Promise<number> {
    return this.#enqueue(async () => {
      const began = Date.now();
      await this.#stopCurrent('SIGTERM of a rolling restart');
      await this.#start();
      return Date.now() - began;
    });
  }

  /** The last SIGTERM of the run; no restart. Idempotent. */
  stop(): Promise<unknown> {
    this.#closed = true;
    return this.#enqueue(() => this.#stopCurrent('the final SIGTERM'));
  }

  /** SIGKILL at once and no restart: the run is being abandoned (a Ctrl-C). */
  abort(): void {
    this.#closed = true;
    this.#ready = false;
    this.#expectExit = true;
    this.#scorer?.service.kill();
  }

  /** Resolves once every operation asked of the slot so far has finished. */
  async idle(): Promise<void> {
    await this.#queue;
  }

  async #stopCurrent(why: string): Promise<void> {
    const scorer = this.#scorer;
    if (scorer === undefined || !scorer.service.running) return;
    this.#ready = false;
    this.#expectExit = true;
    await scorer.service.stop();
    const code = await scorer.service.exited;
    if (code !== 0)
      this.#events.unexpected(`${this.name}: exited with code ${code} after ${why}\n${scorer.service.tail()}`);
  }

  async #start(): Promise<number> {
    const began = Date.now();
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const scorer = await this.#gate.run(() => this.#launch(this.name, this.instanceId));
        this.starts++;
        this.#scorer = scorer;
        this.#expectExit = false;
        this.#ready = true;
        this.#readySince = Date.now();
        void scorer.service.exited.then((code) => this.#exited(scorer, code));
        return Date.now() - began;
      } catch (error) {
        this.#events.unexpected(`${this.name}: did not start (attempt ${attempt}): ${errorMessage(error)}`);
        if (attempt >= START_ATTEMPTS) throw error;
        await sleep(2_000);
      }
    }
    return Date.now() - began;
  }

  #exited(scorer: StartedScorer, code: number): void {
    if (scorer !== this.#scorer || this.#expectExit || this.#closed) return;
    this.#ready = false;
    this.#events.unexpected(`${this.name}: exited by itself with code ${code}\n${scorer.service.tail()}`);
    this.#events.log(`${this.name}: restarting after an exit of its own`);
    this.#enqueue(() => this.#start()).catch(() => {});
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    this.#busy++;
    const run = this.#queue.then(operation).finally(() => this.#busy--);
    this.#queue = run.catch(() => {});
    return run;
  }
}
