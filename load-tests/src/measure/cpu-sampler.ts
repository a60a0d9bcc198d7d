import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { procStatTicks, ticksToUs } from './process-cpu.ts';
import type { CpuSample } from './process-cpu.ts';

/** The kernel's clock ticks per second (`getconf CLK_TCK`), the unit of /proc/PID/stat's CPU times. */
export function clockTicksPerSecond(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout?.trim());
  // 100 on every Linux build in use; getconf missing is no reason to stop a run.
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

export interface CpuSamplerOptions {
  readonly intervalMs: number;
  readonly ticksPerSecond: number;
  readonly now?: () => number;
  readonly readStat?: (pid: number) => string;
}

/**
 * Samples another process's CPU time from /proc every `intervalMs`, from its spawn on, so a window can be cut
 * afterwards around what it did (its first to its last output). Reading stops once the process is gone.
 */
export class CpuSampler {
  readonly #pid: number;
  readonly #options: CpuSamplerOptions;
  readonly #samples: CpuSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #gone = false;

  constructor(pid: number, options: CpuSamplerOptions) {
    this.#pid = pid;
    this.#options = options;
  }

  start(): this {
    this.sample();
    this.#timer ??= setInterval(() => this.sample(), this.#options.intervalMs);
    return this;
  }

  sample(): void {
    if (this.#gone) return;
    const { now = Date.now, readStat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8') } = this.#options;
    try {
      const ticks = procStatTicks(readStat(this.#pid));
      this.#samples.push({ atMs: now(), cpuUs: ticksToUs(ticks, this.#options.ticksPerSecond) });
    } catch {
      this.#gone = true;
      this.stop();
    }
  }

  stop(): readonly CpuSample[] {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return this.#samples;
  }

  get samples(): readonly CpuSample[] {
    return this.#samples;
  }
}
