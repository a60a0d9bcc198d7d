/** A process's CPU time (user + system, all its threads) at one moment of the wall clock. */
export interface CpuSample {
  /** Epoch ms, the clock that Kafka record timestamps use. */
  readonly atMs: number;
  readonly cpuUs: number;
}

/**
 * utime + stime, in clock ticks, from the text of `/proc/PID/stat`: the whole thread group's, so the libuv pool
 * and ONNX's threads count too. The command name (field 2) is in parentheses and may hold spaces and ')'
 * itself, so the fields are counted from the last ')'.
 */
export function procStatTicks(text: string): number {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not /proc/PID/stat text: no ")" closing the command name');
  // After ") ": field 3 (state) first, so utime (field 14) and stime (15) are at 11 and 12.
  const fields = text.slice(close + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isSafeInteger(utime) || !Number.isSafeInteger(stime) || utime < 0 || stime < 0) {
    throw new Error('not /proc/PID/stat text: utime and stime are not tick counts');
  }
  return utime + stime;
}

export function ticksToUs(ticks: number, ticksPerSecond: number): number {
  return (ticks * 1_000_000) / ticksPerSecond;
}

export interface CpuWindow {
  readonly cpuUs: number;
  /** The samples the window runs between: it holds [fromMs, toMs] whole, and at most a sampling period more each side. */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * CPU used over [fromMs, toMs]: from the last sample at or before `fromMs` to the first at or after `toMs`,
 * so none of the interval's work is left out. Undefined when the samples do not reach that far either side.
 */
export function cpuOver(samples: readonly CpuSample[], fromMs: number, toMs: number): CpuWindow | undefined {
  let before: CpuSample | undefined;
  let after: CpuSample | undefined;
  for (const s of samples) {
    if (s.atMs <= fromMs) before = s;
    if (s.atMs >= toMs && after === undefined) after = s;
  }
  if (before === undefined || after === undefined || toMs < fromMs) return undefined;
  return { cpuUs: after.cpuUs - before.cpuUs, fromMs: before.atMs, toMs: after.atMs };
}
