import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { createSchemaCodecs } from '../../../../../schemas/src/codecs.ts';
import type { Label } from '../../../../../schemas/src/types.ts';
import { SCENARIO_IDS } from '../../../../producer-sim/src/core/scenario-ids.ts';
import { Simulation } from '../../../../producer-sim/src/core/simulation.ts';
import type { SimEvent, SimulationParams } from '../../../../producer-sim/src/core/simulation.ts';
import { FileSink } from '../../../../producer-sim/src/sinks/file-sink.ts';
import { NDJSON } from '../../../../producer-sim/src/sinks/text-format.ts';
import { FeatureState } from '../../../src/core/features/feature-state.ts';
import { hash32 } from '../../../src/core/features/string-hash.ts';
import type { FeatureSpec } from '../../../src/core/features/feature-spec.ts';
import type { ModelPort } from '../../../src/core/model-port.ts';
import type { PolicyConfig } from '../../../src/core/policy/policy-config.ts';
import { MicroBatcher } from '../../../src/core/scoring/micro-batcher.ts';
import { ScoringPipeline } from '../../../src/core/scoring/pipeline.ts';
import type { InRecord } from '../../../src/core/scoring/records.ts';
import { exportFeatures } from '../../../src/export/export-features.ts';
import { readFeatureSpec } from '../../../src/export/read-feature-spec.ts';
import { locateSimFiles } from '../../../src/export/sim-files.ts';

const SPEC_PATH = resolve(import.meta.dirname, '..', '..', '..', '..', '..', 'model', 'feature-spec.json');
const DAY_MS = 86_400_000;
/** Records handed to the pipeline at a time, as the Kafka source does. */
const CHUNK = 256;

/** Seed 3 yields every scenario in both worlds below (checked by the test, so a simulator change shows). */
function world(days: number, labelDelayDays: number, customers: number): SimulationParams {
  return {
    seed: 3,
    customers,
    terminals: 2 * customers,
    planeKm: 100 * Math.sqrt((2 * customers) / 10_000),
    radiusKm: 5,
    startMs: Date.UTC(2018, 3, 1),
    days,
    scenarios: new Set(SCENARIO_IDS),
    labelDelayMs: labelDelayDays * DAY_MS,
    runId: `parity${days}`,
  };
}

function simulate(params: SimulationParams): SimEvent[] {
  const sim = new Simulation(params);
  const events: SimEvent[] = [];
  for (let e = sim.next(); e; e = sim.next()) events.push(e);
  return events;
}

/** When the scorer's labels consumer hands each label to the feature state, relative to the transactions. */
type LabelTiming = 'in-stream' | 'all-first' | 'never';

/**
 * The rows the streaming scorer's model receives: Avro records through ScoringPipeline, the service's
 * MicroBatcher and a model that records its input, labels (Avro round trip too) applied to the same
 * FeatureState between chunks, as the labels consumer does.
 */
async function servedRows(events: SimEvent[], spec: FeatureSpec, timing: LabelTiming, partitions = 1) {
  assert.ok(partitions === 1 || timing !== 'in-stream', 'one stream order exists only for one partition');
  const codecs = createSchemaCodecs();
  const features = new FeatureState(spec, 'transactions-0');
  const width = features.width;
  const seen: Float32Array[] = [];
  const model: ModelPort = {
    info: {
      version: 'recording',
      featureNames: spec.features.map((f) => f.name),
      featureSpecVersion: spec.version,
      trainingDataDigest: '',
      driftReference: null,
      explainer: null,
      thresholds: { review: 0.5, decline: 0.9 },
    },
    score(rows, n, out) {
      for (let i = 0; i < n; i++) seen.push(rows.slice(i * width, (i + 1) * width));
      out.fill(0.01, 0, n);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const policy: PolicyConfig = {
    thresholds: model.info.thresholds,
    reportedCardAction: 'APPROVE',
    amountLimit: Number.POSITIVE_INFINITY,
    failMode: 'fail-open',
    safeAmount: 50,
  };
  const wallNow = Date.now();
  const pipeline = new ScoringPipeline({
    codecs,
    features,
    model: new MicroBatcher(model, { maxRows: 64, maxWaitMs: 0 }),
    policyFor: () => policy,
    topics: { decisions: 'decisions', deadLetters: 'dlq' },
    deadlineMs: 600_000,
    nowMs: () => wallNow,
  });
  const applyLabel = (label: Label) => features.applyLabel(codecs.label.decode(codecs.label.encode(label)));
  if (timing === 'all-first') for (const e of events) if (e.kind === 'label') applyLabel(e.label);

  const ids: string[] = [];
  const decideChunk = async (chunk: InRecord[]) => {
    for (const outcome of await pipeline.process(chunk, wallNow)) {
      assert.equal(outcome.kind, 'decision', 'every simulated transaction is valid');
      ids.push(codecs.decision.decode(outcome.record.value!).transactionId);
    }
  };
  const record = (e: SimEvent & { kind: 'transaction' }, partition: number, offset: number): InRecord => {
    const value = codecs.transaction.encode(e.tx);
    return {
      topic: 'transactions',
      partition,
      offset: String(offset),
      timestamp: wallNow,
      key: null,
      value,
      headers: [],
    };
  };

  if (partitions > 1) {
    // Partitions keyed by card, worked on in turns a chunk at a time: a card's records stay in order, the
    // terminals' do not (their windows only read days at least 7 days old).
    const queues = Array.from({ length: partitions }, (): InRecord[] => []);
    for (const e of events) {
      if (e.kind !== 'transaction') continue;
      const p = hash32(e.tx.cardId) % partitions;
      queues[p]!.push(record(e, p, queues[p]!.length));
    }
    for (let at = 0; queues.some((q) => at < q.length); at += CHUNK) {
      for (const q of queues) if (at < q.length) await decideChunk(q.slice(at, at + CHUNK));
    }
  } else {
    let chunk: InRecord[] = [];
    for (const e of events) {
      if (e.kind === 'transaction') {
        chunk.push(record(e, 0, ids.length + chunk.length));
        if (chunk.length < CHUNK) continue;
      } else if (timing !== 'in-stream') continue;
      await decideChunk(chunk);
      chunk = [];
      if (e.kind === 'label') applyLabel(e.label);
    }
    await decideChunk(chunk);
  }
  assert.equal(seen.length, ids.length, 'one model row per decision');
  return new Map(ids.map((id, i) => [id, seen[i]!]));
}

/** The training path: the simulator's own NDJSON file writer, then the export CLI's `exportFeatures`. */
async function exportedRows(events: SimEvent[], spec: FeatureSpec, dir: string) {
  const sink = await FileSink.open(dir, NDJSON);
  for (const e of events) await sink.write(e);
  await sink.close({});
  const out = join(dir, 'features.csv');
  const counts = await exportFeatures(await locateSimFiles(dir), out, spec);
  assert.deepEqual(counts.skipped, {}, 'the export skips no simulated transaction');
  const [header, ...lines] = (await readFile(out, 'utf8')).trimEnd().split('\n');
  const names = header!.split(',');
  const first = names.indexOf(spec.features[0]!.name);
  const rows = new Map<string, Float32Array>();
  const scenarios = new Set<string>();
  for (const line of lines) {
    const cells = line.split(',');
    rows.set(cells[0]!, Float32Array.from(cells.slice(first, first + spec.features.length), Number));
    if (cells[names.length - 1]) scenarios.add(cells[names.length - 1]!);
  }
  return { rows, scenarios, counts };
}

/** The first transaction whose rows differ in any bit, with the features that differ; undefined if none. */
function firstDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>, spec: FeatureSpec) {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), 'the same transactions have rows');
  for (const [id, row] of a) {
    const x = new Uint32Array(row.buffer, row.byteOffset, row.length);
    const other = b.get(id)!;
    const y = new Uint32Array(other.buffer, other.byteOffset, other.length);
    const diff = spec.features
      .map((f, i) => ({ name: f.name, a: row[i], b: other[i] }))
      .filter((_, i) => x[i] !== y[i]);
    if (diff.length > 0) return { id, diff };
  }
  return undefined;
}

function column(rows: Map<string, Float32Array>, spec: FeatureSpec, name: string): number[] {
  const i = spec.features.findIndex((f) => f.name === name);
  return [...rows.values()].map((r) => r[i]!);
}

const cases = [
  // Labels 7 days late (the spec's delay): the terminal risk windows (days D-37..D-8) see the first frauds.
  { days: 11, labelDelayDays: 7, customers: 400, mustSee: 'terminal_risk_30d' },
  // Labels 2 days late: cards turn `card_fraud_reported` mid-run and keep spending.
  { days: 5, labelDelayDays: 2, customers: 800, mustSee: 'card_fraud_reported' },
];

for (const c of cases) {
  test(`over ${c.days} simulated days with labels ${c.labelDelayDays} days late, the rows the scorer's model receives equal the exported training rows bit for bit`, async (t) => {
    const spec = await readFeatureSpec(SPEC_PATH);
    const events = simulate(world(c.days, c.labelDelayDays, c.customers));
    const dir = await mkdtemp(join(tmpdir(), 'parity-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const exported = await exportedRows(events, spec, dir);
    assert.deepEqual([...exported.scenarios].sort(), [...SCENARIO_IDS].sort(), 'the whole scenario mix is in the data');
    assert.ok(exported.counts.labels > 0, 'labels arrive within the run');
    assert.ok(
      column(exported.rows, spec, c.mustSee).some((v) => v > 0),
      `the labels reach ${c.mustSee}, so their timing is tested`,
    );

    // The simulator emits a label just before the first transaction with eventTime ≥ reportedAt, which is
    // exactly where the export merges it in: the two paths apply every label at the same point.
    const served = await servedRows(events, spec, 'in-stream');
    assert.equal(served.size, exported.rows.size);
    assert.equal(firstDifference(served, exported.rows, spec), undefined);
  });
}

test('a scorer whose labels consumer runs ahead, or that works on partitions in turns, computes the same rows; one whose labels lag does not', async (t) => {
  const spec = await readFeatureSpec(SPEC_PATH);
  const c = cases[0]!;
  const events = simulate(world(c.days, c.labelDelayDays, c.customers));
  const dir = await mkdtemp(join(tmpdir(), 'parity-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const exported = await exportedRows(events, spec, dir);

  // Labels count only from their reportedAt, so one applied early changes nothing. One exception these 11 days
  // cannot reach: a report more than 45 days (the idle horizon) after the card's last transaction seen so far
  // clears the card (CardStore.markFraudReported), although its transactions still to come would have kept it.
  const early = await servedRows(events, spec, 'all-first');
  assert.equal(firstDifference(early, exported.rows, spec), undefined);
  // So do four partitions keyed by card and worked on in turns: each card is still seen in order, and the
  // partitions stay far closer than the 8 days that terminal windows look back.
  const partitioned = await servedRows(events, spec, 'all-first', 4);
  assert.equal(firstDifference(partitioned, exported.rows, spec), undefined);

  // A label applied after a transaction it should have reached is missed for good: the scorer and the export
  // then legitimately differ, which is why the comparison above must fix when labels arrive.
  const never = await servedRows(events, spec, 'never');
  const diff = firstDifference(never, exported.rows, spec);
  assert.ok(diff, 'without labels some rows differ');
  assert.ok(diff.diff.some((d) => d.name === 'card_fraud_reported' || d.name.startsWith('terminal_risk')));
});
