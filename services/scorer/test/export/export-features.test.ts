import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import { CardStore } from '../../src/core/features/card-store.ts';
import { FeatureExtractor } from '../../src/core/features/feature-extractor.ts';
import { TerminalAggregate } from '../../src/core/features/terminal-aggregate.ts';
import { ExportError } from '../../src/errors.ts';
import { exportFeatures } from '../../src/export/export-features.ts';
import { locateSimFiles } from '../../src/export/sim-files.ts';
import { float32Text } from '../../src/export/float-text.ts';
import { DAY, DAY0, HOUR, SPEC, tx } from '../core/features/fixtures.ts';

const MAIN = new URL('../../src/export/main.ts', import.meta.url).pathname;

interface Fixture {
  txs: Transaction[];
  labels: Label[];
  truth: { transactionId: string; scenario: string | null }[];
}

/** A fraud at terminal T on day 0, reported on day 8 at noon; probes of T before and after the report. */
function fixture(): Fixture {
  const fraud = tx({
    transactionId: 'f1',
    cardId: 'card-1',
    terminalId: 'T',
    eventTime: DAY0 + HOUR,
    amountMinor: 9000,
  });
  const txs = [
    fraud,
    tx({ transactionId: 'b1', cardId: 'card-2', terminalId: 'T', eventTime: DAY0 + 8 * DAY + 10 * HOUR }),
    tx({
      transactionId: 'bad',
      cardId: 'card-3',
      terminalId: 'T',
      eventTime: DAY0 + 8 * DAY + 11 * HOUR,
      amountMinor: -5,
    }),
    tx({ transactionId: 'a1', cardId: 'card-1', terminalId: 'T', eventTime: DAY0 + 8 * DAY + 13 * HOUR }),
  ];
  const label: Label = {
    transactionId: 'f1',
    cardId: 'card-1',
    terminalId: 'T',
    scenario: 'compromised-terminal',
    eventTime: fraud.eventTime,
    reportedAt: DAY0 + 8 * DAY + 12 * HOUR,
  };
  return {
    txs,
    labels: [label, label],
    truth: txs.map((t) => ({
      transactionId: t.transactionId,
      scenario: t.transactionId === 'f1' ? label.scenario : null,
    })),
  };
}

async function writeNdjson(dir: string, f: Fixture): Promise<void> {
  const lines = (items: unknown[]) => items.map((i) => `${JSON.stringify(i)}\n`).join('');
  await writeFile(join(dir, 'transactions.ndjson'), lines(f.txs));
  await writeFile(join(dir, 'labels.ndjson'), lines(f.labels));
  await writeFile(
    join(dir, 'truth.ndjson'),
    lines(f.truth.map((t) => ({ transactionId: t.transactionId, isFraud: t.scenario !== null, scenario: t.scenario }))),
  );
}

async function writeCsv(dir: string, f: Fixture): Promise<void> {
  const txHeader = Object.keys(f.txs[0]!).join(',');
  const txLines = f.txs.map((t) => (Object.values(t) as (string | number | null)[]).map((v) => v ?? '').join(','));
  await writeFile(join(dir, 'transactions.csv'), [txHeader, ...txLines, ''].join('\n'));
  const labelHeader = Object.keys(f.labels[0]!).join(',');
  await writeFile(
    join(dir, 'labels.csv'),
    [labelHeader, ...f.labels.map((l) => Object.values(l).join(',')), ''].join('\n'),
  );
  const truthLines = f.truth.map((t) => `${t.transactionId},${t.scenario === null ? 0 : 1},${t.scenario ?? ''}`);
  await writeFile(join(dir, 'truth.csv'), ['transactionId,isFraud,scenario', ...truthLines, ''].join('\n'));
}

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'feature-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map(
    (line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])) as Record<string, string>,
  );
}

test('the export writes one row per valid transaction with truth, and a label counts only from its reportedAt', async (t) => {
  const dir = await tempDir(t);
  await writeNdjson(dir, fixture());
  const out = join(dir, 'features.csv');
  const counts = await exportFeatures(await locateSimFiles(dir), out, SPEC);
  assert.deepEqual(counts, { rows: 3, frauds: 1, skipped: { AMOUNT_INVALID: 1 }, labels: 1, duplicateLabels: 1 });

  const text = await readFile(out, 'utf8');
  assert.equal(
    text.split('\n')[0],
    `transaction_id,event_time,card_id,${SPEC.features.map((f) => f.name).join(',')},is_fraud,scenario`,
  );
  const rows = parseCsv(text);
  assert.deepEqual(
    rows.map((r) => [r['transaction_id'], r['is_fraud'], r['scenario']]),
    [
      ['f1', '1', 'compromised-terminal'],
      ['b1', '0', ''],
      ['a1', '0', ''],
    ],
  );
  const [, before, after] = rows;
  assert.deepEqual([before!['terminal_tx_count_7d'], before!['terminal_risk_7d']], ['1', '0'], 'not reported yet');
  assert.deepEqual([after!['terminal_tx_count_7d'], after!['terminal_risk_7d']], ['1', '1']);
  assert.equal(after!['card_fraud_reported'], '1');
  assert.equal(rows[0]!['amount'], '90');
});

test('CSV input gives the same matrix as NDJSON input', async (t) => {
  const ndjsonDir = await tempDir(t);
  const csvDir = await tempDir(t);
  await writeNdjson(ndjsonDir, fixture());
  await writeCsv(csvDir, fixture());
  await exportFeatures(await locateSimFiles(ndjsonDir), join(ndjsonDir, 'out.csv'), SPEC);
  await exportFeatures(await locateSimFiles(csvDir), join(csvDir, 'out.csv'), SPEC);
  assert.equal(await readFile(join(csvDir, 'out.csv'), 'utf8'), await readFile(join(ndjsonDir, 'out.csv'), 'utf8'));
});

test('a transaction without context exports NaN where its features are missing, from NDJSON and CSV alike', async (t) => {
  const none = { mcc: null, channel: null, terminalCountry: null, terminalX: null, terminalY: null };
  const f = fixture();
  const absent = { ...f, txs: f.txs.map((t) => ({ ...t, ...none })) };
  const ndjsonDir = await tempDir(t);
  const csvDir = await tempDir(t);
  await writeNdjson(ndjsonDir, absent);
  await writeCsv(csvDir, absent);
  await exportFeatures(await locateSimFiles(ndjsonDir), join(ndjsonDir, 'out.csv'), SPEC);
  await exportFeatures(await locateSimFiles(csvDir), join(csvDir, 'out.csv'), SPEC);
  const text = await readFile(join(ndjsonDir, 'out.csv'), 'utf8');
  assert.equal(await readFile(join(csvDir, 'out.csv'), 'utf8'), text);
  // model/training/data.py reads the cell NaN as missing (a Python test reads this very spelling).
  const [row] = parseCsv(text);
  assert.deepEqual([row!['mcc_risk_group'], row!['channel_atm'], row!['distance_from_prev_km']], ['NaN', 'NaN', 'NaN']);
  assert.deepEqual([row!['amount'], row!['card_tx_count_1d']], ['90', '1']);
});

test('a scorer that receives the labels early computes the same rows as the export', async (t) => {
  const dir = await tempDir(t);
  const f = fixture();
  await writeNdjson(dir, f);
  await exportFeatures(await locateSimFiles(dir), join(dir, 'out.csv'), SPEC);
  const exported = parseCsv(await readFile(join(dir, 'out.csv'), 'utf8'));

  const cards = new CardStore();
  const terminals = new TerminalAggregate();
  const extractor = new FeatureExtractor(SPEC, { cards, terminals });
  for (const label of f.labels) {
    terminals.addLabel(label);
    cards.markFraudReported(label.cardId, label.reportedAt);
  }
  const row = new Float32Array(extractor.width);
  const served = f.txs.filter((t) => t.amountMinor >= 0);
  for (const [i, t] of served.entries()) {
    extractor.extract(t, row, 0);
    const names = SPEC.features.map((feature) => feature.name);
    assert.deepEqual(
      names.map((n, k) => float32Text(row[k]!) === exported[i]![n]),
      names.map(() => true),
      t.transactionId,
    );
  }
});

test('a truth file out of step with the transactions is refused', async (t) => {
  const dir = await tempDir(t);
  const f = fixture();
  await writeNdjson(dir, { ...f, truth: f.truth.slice(1) });
  await assert.rejects(
    exportFeatures(await locateSimFiles(dir), join(dir, 'out.csv'), SPEC),
    (e: unknown) => e instanceof ExportError && e.code === 'TRUTH_MISMATCH',
  );
});

test('a directory without simulator output is INPUT_MISSING', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(locateSimFiles(dir), (e: unknown) => e instanceof ExportError && e.code === 'INPUT_MISSING');
});

test('the CLI exports with the repository spec and exits 2 on bad flags', async (t) => {
  const dir = await tempDir(t);
  await writeNdjson(dir, fixture());
  const run = promisify(execFile);
  const out = join(dir, 'cli.csv');
  const { stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, '--in', dir, '--out', out]);
  assert.match(stderr, /"rows":3/);
  assert.equal(parseCsv(await readFile(out, 'utf8')).length, 3);
  await assert.rejects(
    run(process.execPath, ['--import', 'tsx', MAIN, '--in', dir]),
    (e: { code?: number; stderr?: string }) =>
      e.code === 2 && /^feature export: BAD_FLAG: --out FILE is required \(see --help\)$/m.test(e.stderr ?? ''),
  );
});
