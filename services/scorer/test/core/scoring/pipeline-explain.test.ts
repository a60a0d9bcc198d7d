import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Decision } from '../../../../../schemas/src/types.ts';
import { SCENARIO_IDS } from '../../../../producer-sim/src/core/scenario-ids.ts';
import { Simulation } from '../../../../producer-sim/src/core/simulation.ts';
import type { InRecord } from '../../../src/core/scoring/records.ts';
import { loadConfig } from '../../../src/config.ts';
import { composeScoring, loadSpecAndModel } from '../../../src/scoring-core.ts';

const DAY_MS = 86_400_000;

/** Three simulated days through the scoring core with the shipped model; the decisions, decoded. */
async function decide(argv: string[]): Promise<{ decisions: Decision[]; names: readonly string[] }> {
  // A low review threshold so that a short run has flagged decisions of every kind of score.
  const config = loadConfig({}, ['--deadline-ms', '600000', '--review-threshold', '0.02', ...argv]);
  const { spec, model } = await loadSpecAndModel(config);
  const now = Date.now();
  const core = composeScoring(config, spec, model, { nowMs: () => now });
  const sim = new Simulation({
    seed: 5,
    customers: 400,
    terminals: 800,
    planeKm: 100 * Math.sqrt(800 / 10_000),
    radiusKm: 5,
    startMs: Date.UTC(2018, 3, 1),
    days: 3,
    scenarios: new Set(SCENARIO_IDS),
    labelDelayMs: 7 * DAY_MS,
    runId: 'explain',
  });
  const records: InRecord[] = [];
  for (let e = sim.next(); e; e = sim.next()) {
    if (e.kind !== 'transaction') continue;
    const value = core.codecs.transaction.encode(e.tx);
    records.push({
      topic: 't',
      partition: 0,
      offset: String(records.length),
      timestamp: now,
      key: null,
      value,
      headers: [],
    });
  }
  const decisions: Decision[] = [];
  for (let at = 0; at < records.length; at += 256) {
    for (const outcome of await core.pipeline.process(records.slice(at, at + 256), now)) {
      assert.equal(outcome.kind, 'decision');
      decisions.push(core.codecs.decision.decode(outcome.record.value!));
    }
  }
  core.batcher.close();
  return { decisions, names: model.info.featureNames };
}

const sigmoid = (margin: number): number => 1 / (1 + Math.exp(-margin));

test('flagged decisions carry the top features of the TreeSHAP explanation; approvals carry none', async () => {
  const { decisions, names } = await decide(['--explain-top', '4']);
  const flagged = decisions.filter((d) => d.action !== 'APPROVE');
  assert.ok(flagged.length >= 20 && flagged.length < decisions.length / 2, `${flagged.length} of ${decisions.length}`);
  for (const d of decisions.filter((x) => x.action === 'APPROVE')) assert.equal(d.explanation, null);
  for (const d of flagged) {
    const e = d.explanation;
    assert.ok(e !== null, d.transactionId);
    assert.equal(e.contributions.length, 4);
    // The score is the margin's sigmoid (the score is float32: compare in probability, where its rounding is).
    assert.ok(Math.abs(sigmoid(e.margin) - d.score) < 1e-6, `sigmoid(${e.margin}) vs ${d.score}`);
    const sizes = e.contributions.map((c) => Math.abs(c.contribution));
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => b - a),
    );
    for (const c of e.contributions) assert.ok(names.includes(c.feature), c.feature);
  }
  // Something the model learnt shows: the flagged decisions are explained by more than one feature overall.
  assert.ok(new Set(flagged.map((d) => d.explanation!.contributions[0]!.feature)).size > 1);
});

test('with explanations on approvals every decision carries one; with top 0 none does', async () => {
  const all = await decide(['--explain-top', '2', '--explain-approvals', 'true']);
  assert.ok(all.decisions.every((d) => d.explanation !== null && d.explanation.contributions.length <= 2));
  const none = await decide(['--explain-top', '0']);
  assert.ok(none.decisions.every((d) => d.explanation === null));
  // Explanations change nothing else of a decision.
  const strip = (d: Decision) => ({ ...d, explanation: null, latencyUs: 0, decidedAt: 0 });
  assert.deepEqual(all.decisions.map(strip), none.decisions.map(strip));
});
