/** One row of the result: a stage's CPU cost per transaction over the measured passes. */
export interface StageResult {
  readonly stage: string;
  /** CPU ns per transaction of each measured pass. */
  readonly cpuNs: readonly number[];
  /** Wall ns per transaction of each measured pass. */
  readonly wallNs: readonly number[];
  /** Counted in the sum of the stages (the per-stage path at batch 64); the others are shown against it. */
  readonly inSum: boolean;
  /**
   * Another stage measured in the same passes that this one is set against (the pipeline with a challenger
   * against the one without): a ratio table follows the stages, pass by pass as well as best to best.
   */
  readonly against?: string;
}

const ns = (value: number): string => Math.round(value).toLocaleString('en-US');
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

/** A Markdown table: best CPU ns/tx (the least disturbed pass on a shared machine), spread, share, wall. */
export function stageTable(results: readonly StageResult[]): string {
  const best = (r: StageResult) => Math.min(...r.cpuNs);
  const sum = results.filter((r) => r.inSum).reduce((total, r) => total + best(r), 0);
  const sumWall = results.filter((r) => r.inSum).reduce((total, r) => total + Math.min(...r.wallNs), 0);
  const lines = [
    '| stage | CPU ns/tx (best) | µs/tx | spread over passes | share of total | wall ns/tx (best) |',
    '| --- | --: | --: | --: | --: | --: |',
  ];
  const row = (r: StageResult) => {
    const b = best(r);
    const spread = r.cpuNs.length > 1 ? `${ns(b)}–${ns(Math.max(...r.cpuNs))}` : '–';
    const share = r.inSum ? pct(b, sum) : `(${pct(b, sum)} of the sum)`;
    return `| ${r.stage} | ${ns(b)} | ${(b / 1000).toFixed(2)} | ${spread} | ${share} | ${ns(Math.min(...r.wallNs))} |`;
  };
  for (const r of results) if (r.inSum) lines.push(row(r));
  lines.push(`| **sum of the stages** | **${ns(sum)}** | **${(sum / 1000).toFixed(2)}** | | 100% | ${ns(sumWall)} |`);
  for (const r of results) if (!r.inSum) lines.push(row(r));
  const compared = results.flatMap((r) => {
    const base = r.against === undefined ? undefined : results.find((b) => b.stage === r.against);
    return base === undefined ? [] : [{ r, base }];
  });
  if (compared.length > 0) {
    lines.push(
      '',
      '| a ÷ b | CPU a ÷ b (best) | CPU a ÷ b per pass | CPU µs/tx a − b (best) | wall a ÷ b (best) |',
      '| --- | --: | --: | --: | --: |',
    );
    for (const { r, base } of compared) {
      const perPass = r.cpuNs.map((a, i) => ratio(a, base.cpuNs[i])).join(', ');
      const added = ((Math.min(...r.cpuNs) - Math.min(...base.cpuNs)) / 1000).toFixed(2);
      lines.push(
        `| ${short(r.stage)} ÷ ${short(base.stage)} | ${ratio(Math.min(...r.cpuNs), Math.min(...base.cpuNs))} | ${perPass} | ` +
          `${added.startsWith('-') ? added.replace('-', '−') : `+${added}`} | ` +
          `${ratio(Math.min(...r.wallNs), Math.min(...base.wallNs))} |`,
      );
    }
  }
  return lines.join('\n');
}

/** A stage's name without its parenthesis. */
const short = (stage: string): string => stage.split(' (')[0]!;
const ratio = (a: number, b: number | undefined): string =>
  b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;
