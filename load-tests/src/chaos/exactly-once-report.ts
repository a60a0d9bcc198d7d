import { markdownTable } from '../report/markdown-table.ts';
import type { RunComparison, Verdict } from './decision-comparison.ts';
import type { FaultCounts } from './fault-runner.ts';

export type Delivery = 'exactly-once' | 'at-least-once';

export interface ExactlyOnceReport {
  readonly runId: string;
  readonly delivery: Delivery;
  readonly transactions: number;
  /** Transactions on the input topic at the end: more would mean the sender wrote one twice. */
  readonly inputRecords: number;
  readonly labels: number;
  readonly scorers: number;
  readonly partitions: number;
  readonly rate: number;
  readonly seed: number;
  readonly comparison: RunComparison;
  readonly deadLetters: { readonly run: number; readonly reference: number };
  /** Offsets a read_committed reader could not get past at the end (a transaction left open). */
  readonly unstableOffsets: { readonly run: number; readonly reference: number };
  readonly planned: {
    readonly kills: number;
    readonly brokerRestarts: number;
    readonly rollingRestarts: number;
    readonly freezes: number;
  };
  readonly faults: FaultCounts;
  /** Whether each group had committed its whole input before the settle time ran out. */
  readonly settled: { readonly run: boolean; readonly reference: boolean };
  readonly unexpectedExits: readonly string[];
  readonly streamMs: number;
  readonly maxBehindMs: number;
  readonly elapsedMs: number;
}

/**
 * What the run must show. Both modes: every transaction decided (by the run and by the reference), each sent
 * once, every planned fault carried out, no scorer stopping by itself. Exactly-once also: no decision twice and
 * every verdict equal to the uninterrupted reference's. At-least-once's duplicates and differences are its
 * contrast, printed but not failed.
 */
export function judgeExactlyOnce(r: ExactlyOnceReport): string[] {
  const c = r.comparison;
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || failures.push(what));
  check(c.run.missing === 0, `${c.run.missing} transactions without a decision`);
  check(c.reference.missing === 0, `the reference left ${c.reference.missing} transactions undecided`);
  check(r.inputRecords === r.transactions, `${r.inputRecords} input records for ${r.transactions} transactions`);
  check(r.unexpectedExits.length === 0, `${r.unexpectedExits.length} unexpected scorer exits`);
  check(r.faults.kills >= r.planned.kills, `${r.faults.kills} of ${r.planned.kills} SIGKILLs carried out`);
  check(
    r.faults.brokerRestarts >= r.planned.brokerRestarts,
    `${r.faults.brokerRestarts} of ${r.planned.brokerRestarts} broker restarts carried out`,
  );
  check(
    r.faults.rollingRestarts >= r.planned.rollingRestarts,
    `${r.faults.rollingRestarts} of ${r.planned.rollingRestarts} rolling restarts carried out`,
  );
  check(r.faults.freezes >= r.planned.freezes, `${r.faults.freezes} of ${r.planned.freezes} freezes carried out`);
  if (r.delivery === 'exactly-once') {
    check(c.run.duplicated === 0, `${c.run.duplicated} duplicated decisions`);
    check(c.differing === 0, `${c.differing} decisions differ from the reference's`);
    check(c.run.unknown === 0, `${c.run.unknown} decisions of unknown transactions`);
  }
  return failures;
}

const n = (x: number) => x.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const verdictText = (v: Verdict) => `${v.action} ${v.score} [${v.reasons}]${v.degraded ? ' degraded' : ''}`;

export function formatExactlyOnceReport(r: ExactlyOnceReport): string {
  const c = r.comparison;
  const failures = judgeExactlyOnce(r);
  const pair = (run: number, reference: number) => [n(run), n(reference)];
  const table = markdownTable(
    ['', 'chaos run', 'reference'],
    [
      ['decided', ...pair(c.run.decided, c.reference.decided)],
      ['missing', ...pair(c.run.missing, c.reference.missing)],
      ['duplicated', ...pair(c.run.duplicated, c.reference.duplicated)],
      ['duplicates unlike the first copy', ...pair(c.run.duplicatesDiffering, c.reference.duplicatesDiffering)],
      ['degraded', ...pair(c.run.degraded, c.reference.degraded)],
      ['dead letters', ...pair(r.deadLetters.run, r.deadLetters.reference)],
      ['offsets held by open transactions', ...pair(r.unstableOffsets.run, r.unstableOffsets.reference)],
      ['whole input committed in time', r.settled.run ? 'yes' : 'no', r.settled.reference ? 'yes' : 'no'],
    ],
  );
  const by = c.differingBy;
  const f = r.faults;
  return [
    `${r.runId}: ${r.delivery}, ${r.scorers} scorers, ${r.partitions} partitions, ${n(r.transactions)} transactions ` +
      `at ${n(r.rate)}/s, ${n(r.labels)} labels before them, seed ${r.seed}`,
    '',
    table,
    '',
    `verdicts compared        ${n(c.compared)}: ${n(c.differing)} differ (action ${n(by.action)}, score ` +
      `${n(by.score)}, reasons ${n(by.reasons)}, degraded ${n(by.degraded)}); largest score difference ` +
      `${c.maxScoreDifference}`,
    ...c.examples.map((e) => `  ${e.transactionId}: run ${verdictText(e.run)} | reference ${verdictText(e.reference)}`),
    `faults                   ${f.kills} SIGKILLs, ${f.killsAtMs.filter((at) => at <= r.streamMs).length} of ` +
      `them while the stream was sent (slowest back to ready ${s(f.slowestRecoveryMs)}), ` +
      `${f.brokerRestarts} broker SIGKILL + restart, ${f.rollingRestarts} rolling restart, ` +
      `${f.freezes} SIGSTOP + SIGCONT`,
    `input                    ${n(r.inputRecords)} records on the transactions topic`,
    `stream                   ${s(r.streamMs)} (at most ${s(r.maxBehindMs)} behind schedule); whole run ${s(r.elapsedMs)}`,
    `unexpected exits         ${r.unexpectedExits.length}`,
    ...r.unexpectedExits.map((e) => `  ${e.split('\n').join('\n    ')}`),
    failures.length === 0 ? 'verdict                  PASS' : `verdict                  FAIL: ${failures.join('; ')}`,
  ].join('\n');
}
