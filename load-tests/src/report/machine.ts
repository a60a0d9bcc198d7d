import { spawnSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly java: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended: others share this machine. */
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
}

export function describeMachine(loadAverageStart: readonly number[]): MachineInfo {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    java: java.error ? 'not found' : (java.stderr.split('\n')[0] ?? '').trim(),
    loadAverageStart: loadAverageStart.map(round2),
    loadAverageEnd: loadavg().map(round2),
  };
}

export function currentLoadAverage(): number[] {
  return loadavg();
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
