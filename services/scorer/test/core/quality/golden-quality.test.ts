import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LiveQuality } from '../../../src/core/quality/live-quality.ts';
import type { ModelQuality, QualityDecision } from '../../../src/core/quality/live-quality.ts';

/**
 * Decisions and fraud reports recorded with the figures scikit-learn and the Handbook's own card precision code
 * give for them (`model/training/live_quality_golden.py` wrote both; the file is committed).
 */
interface Golden {
  windowMs: number;
  labelDelayMs: number;
  k: number;
  challengerThresholds: Record<string, { review: number; decline: number }>;
  window: { start: number; end: number };
  decisions: QualityDecision[];
  labels: string[];
  expected: Record<
    string,
    Omit<ModelQuality, 'role' | 'version' | 'cardPrecisionAtK'> & { cardPrecisionAt100: number | null }
  >;
}

const golden = JSON.parse(readFileSync(new URL('./golden-quality.json', import.meta.url), 'utf8')) as Golden;

test("live quality equals scikit-learn's and the Handbook's figures on recorded decisions and labels, to 1e-4", () => {
  const quality = new LiveQuality({
    windowMs: golden.windowMs,
    labelDelayMs: golden.labelDelayMs,
    k: golden.k,
    maxDecisions: golden.decisions.length,
    thresholdsOf: (version) => golden.challengerThresholds[version],
  });
  // Half the labels before their decisions and half after: the join must not depend on the order.
  const half = Math.floor(golden.labels.length / 2);
  for (const id of golden.labels.slice(0, half)) quality.label(id);
  for (const d of golden.decisions) quality.record(d);
  for (const id of golden.labels.slice(half)) quality.label(id);
  const report = quality.report();
  assert.deepEqual(report.window, golden.window);
  const got = new Map(report.models.map((m) => [`${m.role}:${m.version}`, m]));
  assert.deepEqual([...got.keys()].sort(), Object.keys(golden.expected).sort());
  for (const [key, expected] of Object.entries(golden.expected)) {
    const m = got.get(key)!;
    assert.equal(m.rows, expected.rows, `${key} rows`);
    assert.equal(m.frauds, expected.frauds, `${key} frauds`);
    for (const figure of [
      'declineRecall',
      'declinePrecision',
      'flaggedRecall',
      'flaggedPrecision',
      'falsePositiveRate',
      'averagePrecision',
      'labelledShare',
    ] as const) {
      near(m[figure], expected[figure], `${key} ${figure}`);
    }
    near(m.cardPrecisionAtK, expected.cardPrecisionAt100, `${key} card precision@100`);
  }
});

function near(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(Math.abs(actual - expected) < 1e-4, `${what}: ${actual} against ${expected}`);
}
