import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { loadCatalogue, SUBJECTS } from '../../../../schemas/src/catalogue.ts';
import { Simulation } from '../../src/core/simulation.ts';
import { runOffline } from '../../src/run-offline.ts';
import { FileSink } from '../../src/sinks/file-sink.ts';
import { CSV, NDJSON } from '../../src/sinks/text-format.ts';
import { DAY_MS, FULL, collect, params } from '../core/simulate.ts';

const simParams = params({ scenarios: FULL, days: 2, labelDelayMs: 0.5 * DAY_MS });

async function writeRun(format: typeof NDJSON, t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'producer-sim-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await runOffline(new Simulation(simParams), await FileSink.open(dir, format), {
    count: Infinity,
    now: () => performance.now(),
    logger: pino({ level: 'silent' }),
    settings: { test: true },
  });
  return dir;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

test('NDJSON files hold exactly the stream: transactions, labels in report order, truth and a manifest', async (t) => {
  const dir = await writeRun(NDJSON, t);
  const expected = collect(simParams);
  const txs = lines(await readFile(join(dir, 'transactions.ndjson'), 'utf8')).map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(
    txs,
    expected.transactions.map((r) => r.tx),
  );
  const labels = lines(await readFile(join(dir, 'labels.ndjson'), 'utf8')).map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(labels, expected.labels);
  const truth = lines(await readFile(join(dir, 'truth.ndjson'), 'utf8')).map(
    (l) => JSON.parse(l) as { transactionId: string; isFraud: boolean; scenario: string | null },
  );
  assert.deepEqual(
    truth,
    expected.transactions.map((r) => ({
      transactionId: r.tx.transactionId,
      isFraud: r.scenario !== null,
      scenario: r.scenario,
    })),
  );
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    summary: { transactions: number; labels: number };
  };
  assert.equal(manifest.summary.transactions, txs.length);
  assert.equal(manifest.summary.labels, labels.length);
});

test('a CSV line writes an absent (null) context field as an empty cell, not as "null"', () => {
  const tx = collect(params({ days: 1, context: 'absent' })).transactions[0]!.tx;
  const cells = CSV.transaction(tx).trimEnd().split(',');
  assert.equal(cells.length, 15);
  assert.deepEqual(cells.slice(9, 15), ['', '', '', '', '', '']);
  assert.equal(cells[5], '', 'mcc');
  assert.ok(!CSV.transaction(tx).includes('null'));
});

test('CSV files have one header naming the schema fields in order, and one line per record', async (t) => {
  const dir = await writeRun(CSV, t);
  const expected = collect(simParams);
  const [header, ...rows] = lines(await readFile(join(dir, 'transactions.csv'), 'utf8'));
  const schema = loadCatalogue().latest(SUBJECTS.transaction).type.schema() as { fields: { name: string }[] };
  assert.equal(header, schema.fields.map((f) => f.name).join(','));
  assert.equal(rows.length, expected.transactions.length);
  const first = expected.transactions.find((r) => r.tx.deviceId !== null)!.tx;
  const line = rows.find((r) => r.startsWith(`${first.transactionId},`))!.split(',');
  assert.equal(line.length, 15);
  assert.deepEqual(
    line,
    schema.fields.map((f) => String(first[f.name as keyof typeof first])),
  );
  const [truthHeader, ...truth] = lines(await readFile(join(dir, 'truth.csv'), 'utf8'));
  assert.equal(truthHeader, 'transactionId,isFraud,scenario');
  assert.equal(truth.filter((l) => l.split(',')[1] === '1').length, expected.sim.stats.fraud);
});
