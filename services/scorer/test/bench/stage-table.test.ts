import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stageTable } from '../../src/bench/stage-table.ts';
import type { StageResult } from '../../src/bench/stage-table.ts';

const stage = (name: string, cpuNs: number[], wallNs: number[], inSum: boolean, against?: string): StageResult => ({
  stage: name,
  cpuNs,
  wallNs,
  inSum,
  ...(against === undefined ? {} : { against }),
});

const PIPELINE = 'whole pipeline step (ScoringPipeline, ONNX)';
const results: StageResult[] = [
  stage('decode (framing + Avro)', [1_000, 1_200], [1_100, 1_300], true),
  stage('model, batch 64 (per row)', [3_000, 3_100], [3_050, 3_150], true),
  stage(PIPELINE, [10_000, 12_000], [11_000, 13_000], false),
  stage('whole pipeline step with a challenger (same trees)', [13_000, 15_000], [14_300, 15_600], false, PIPELINE),
];

test('the sum holds only the stages in it; a row set against another is not in the sum', () => {
  const lines = stageTable(results).split('\n');
  assert.ok(lines.includes('| **sum of the stages** | **4,000** | **4.00** | | 100% | 4,150 |'));
  const sumAt = lines.findIndex((l) => l.startsWith('| **sum'));
  const challengerAt = lines.findIndex((l) => l.startsWith('| whole pipeline step with a challenger (same'));
  assert.ok(challengerAt > sumAt, 'after the sum');
  assert.equal(
    lines[challengerAt],
    '| whole pipeline step with a challenger (same trees) | 13,000 | 13.00 | 13,000–15,000 | (325.0% of the sum) | 14,300 |',
  );
});

test('a row with `against` gets its ratios: best to best, pass by pass, the µs it adds and the wall', () => {
  const lines = stageTable(results).split('\n');
  assert.ok(
    lines.includes('| a ÷ b | CPU a ÷ b (best) | CPU a ÷ b per pass | CPU µs/tx a − b (best) | wall a ÷ b (best) |'),
  );
  assert.equal(
    lines.at(-1),
    '| whole pipeline step with a challenger ÷ whole pipeline step | 1.30× | 1.30×, 1.25× | +3.00 | 1.30× |',
  );
});

test('without a row set against another there is no ratio table', () => {
  const text = stageTable(results.slice(0, 3));
  assert.doesNotMatch(text, /a ÷ b/);
  assert.equal(text.split('\n').at(-1)!.startsWith(`| ${PIPELINE} |`), true);
});
