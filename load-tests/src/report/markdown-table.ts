import type { MachineInfo } from './machine.ts';

/** A GitHub-flavoured Markdown table; cells are written as given. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The first lines of every results.md: when, the command line, the machine and its load. */
export function runHeaderLines(report: {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
}): string[] {
  const m = report.machine;
  return [
    `Run ${report.startedAt} → ${report.finishedAt}: \`${report.command}\``,
    '',
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}; node ${m.node}; ${m.java}. ` +
      `Load average (1/5/15 min) ${m.loadAverageStart.join(' / ')} at the start, ${m.loadAverageEnd.join(' / ')} at the end.`,
  ];
}
