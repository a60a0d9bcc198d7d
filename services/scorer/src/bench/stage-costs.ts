/**
 * CPU cost per transaction of each stage of the scorer, without Kafka, on simulated transactions already
 * Avro-encoded as they sit on the topic: decode, validate, features, model (per row, at batch 64 and 1), policy,
 * the feature-drift window, encode, and the whole pipeline step (ScoringPipeline with the MicroBatcher and the real ONNX model), without and
 * with a challenger (a second ONNX session of the same model under another version) in the same pass, and
 * the explanation of one row (TreeSHAP) with the whole step with explanations on flagged decisions and off.
 * Run: node --import tsx services/scorer/src/bench/stage-costs.ts [--count 100000] [--days 30]
 *        [--batch1-rows 20000] [--explain-rows 5000] [--passes 3] [--warmup 20000]   (--help: the flags)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchemaCodecs } from '../../../../schemas/src/codecs.ts';
import { flagsOrExit, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';
import { loadConfig, policyConfigOf } from '../config.ts';
import type { FeatureSpec } from '../core/features/feature-spec.ts';
import type { ModelPort } from '../core/model-port.ts';
import { withOnnxMetadata } from '../model/onnx-metadata.ts';
import { loadOnnxModel } from '../model/onnx-model.ts';
import { loadSpecAndModel } from '../scoring-core.ts';
import { benchInput } from './bench-input.ts';
import { collectGarbage, measure } from './cpu-cost.ts';
import type { Cost } from './cpu-cost.ts';
import { StageRunner } from './stage-runner.ts';
import type { PipelineRun } from './stage-runner.ts';
import { stageTable } from './stage-table.ts';
import type { StageResult } from './stage-table.ts';

interface Options {
  readonly count: number;
  readonly days: number;
  readonly batch1Rows: number;
  readonly passes: number;
  readonly warmup: number;
  readonly explainRows: number;
}

const COMMAND = {
  usage: 'npm run bench:stages -- [flags]',
  notes: 'Exit code 2 on a bad flag (BAD_FLAG).',
  flags: {
    count: { value: 'N', default: '100000', meaning: 'simulated transactions per measured pass (at least 1000)' },
    days: { value: 'N', default: '30', meaning: 'simulated days the transactions span, about (at least 1)' },
    'batch1-rows': {
      value: 'N',
      default: '20000',
      meaning: 'rows of the model at batch 1 (at least 100, at most --count)',
    },
    passes: { value: 'N', default: '3', meaning: 'measured passes (at least 1)' },
    'explain-rows': {
      value: 'N',
      default: '5000',
      meaning: 'rows explained by the explain stage, whatever their verdict (at least 100, at most --count)',
    },
    warmup: {
      value: 'N',
      default: '20000',
      meaning: 'transactions of the warm-up pass (at least 1000, at most --count)',
    },
  },
} as const satisfies CommandSpec<FlagTable>;

function options(argv: readonly string[]): Options {
  const flags = parseFlags(COMMAND, argv);
  const MAX = Number.MAX_SAFE_INTEGER;
  const count = flags.int('count', 1000, MAX);
  return {
    count,
    days: flags.int('days', 1, MAX),
    batch1Rows: Math.min(flags.int('batch1-rows', 100, MAX), count),
    passes: flags.int('passes', 1, MAX),
    warmup: Math.min(flags.int('warmup', 1000, MAX), count),
    explainRows: Math.min(flags.int('explain-rows', 100, MAX), count),
  };
}

/**
 * Every stage once over the runner's transactions (the pipeline twice without and twice with a challenger);
 * `time` measures (or, for the warm-up, just runs) each. Also returns the challenger's calls over the service's
 * default budget (the bench's wider budget lets them score).
 */
async function pass(
  runner: StageRunner,
  o: Options,
  n: number,
  time: (items: number, body: () => unknown) => Promise<Cost>,
  flagged: number[],
): Promise<{ costs: Map<string, Cost>; overBudget: number }> {
  const costs = new Map<string, Cost>();
  costs.set('decode (framing + Avro)', await time(n, () => runner.decode()));
  costs.set('validate', await time(n, () => runner.validate()));
  costs.set('features (state update + row)', await time(n, () => runner.features()));
  costs.set('model, batch 64 (per row)', await time(n, () => runner.model(64)));
  costs.set('policy', await time(n, () => runner.policy()));
  costs.set('drift (the row into the PSI window)', await time(n, () => runner.drift()));
  costs.set('encode (decision, Avro + framing)', await time(n, () => runner.encode()));
  const rows1 = Math.min(o.batch1Rows, n);
  costs.set('model, batch 1 (per row)', await time(rows1, () => runner.model(1, rows1)));
  const explained = Math.min(o.explainRows, n);
  costs.set(EXPLAIN, await time(explained, () => runner.explain(explained)));
  flagged.push(runner.flagged());
  runner.preparePipeline();
  // The pipeline without and with a challenger twice each per pass, in the order A B B A, and each row the mean
  // of its two: a machine that gets busier or quieter during the pass then weighs on both alike.
  let overBudget = 0;
  const withoutChallenger = async () => {
    let run: PipelineRun | undefined;
    const cost = await time(n, async () => (run = await runner.pipeline()));
    if (run?.decided !== n) {
      throw new Error(`the pipeline decided ${run?.decided} of ${n} transactions without degrading`);
    }
    return cost;
  };
  const withChallenger = async () => {
    let run: PipelineRun | undefined;
    const cost = await time(n, async () => (run = await runner.pipeline({ challenger: true })));
    if (run?.decided !== n) {
      throw new Error(`the pipeline with a challenger decided ${run?.decided} of ${n} transactions without degrading`);
    }
    const { scored, failed, slow, paused } = run.challenger;
    if (scored !== n) {
      throw new Error(
        `the challenger scored ${scored} of ${n} rows (failed ${failed}, slow ${slow}, paused ${paused})`,
      );
    }
    overBudget += run.challengerOverBudget;
    return cost;
  };
  const [plain, challenged] = await abba(withoutChallenger, withChallenger);
  costs.set(PIPELINE, plain);
  costs.set(PIPELINE_CHALLENGER, challenged);
  // Explanations (on REVIEW and DECLINE, as configured) against none, A B B A again.
  const withoutExplanations = async () => {
    let run: PipelineRun | undefined;
    const cost = await time(n, async () => (run = await runner.pipeline({ explain: false })));
    if (run?.decided !== n) throw new Error(`the pipeline without explanations decided ${run?.decided} of ${n}`);
    return cost;
  };
  const [withExplanations, noExplanations] = await abba(withoutChallenger, withoutExplanations);
  costs.set(PIPELINE_EXPLAINED, withExplanations);
  costs.set(PIPELINE_UNEXPLAINED, noExplanations);
  return { costs, overBudget };
}

/** A, B, B, A and the mean of each pair. */
async function abba(a: () => Promise<Cost>, b: () => Promise<Cost>): Promise<[Cost, Cost]> {
  const a1 = await a();
  const b1 = await b();
  const b2 = await b();
  const a2 = await a();
  return [meanCost(a1, a2), meanCost(b1, b2)];
}

function meanCost(a: Cost, b: Cost): Cost {
  return { cpuNs: (a.cpuNs + b.cpuNs) / 2, wallNs: (a.wallNs + b.wallNs) / 2, items: a.items };
}

const PIPELINE = 'whole pipeline step (ScoringPipeline, MicroBatcher 64 rows/1 ms, ONNX)';
const PIPELINE_CHALLENGER = 'whole pipeline step with a challenger (a second ONNX session, same trees)';
const PIPELINE_EXPLAINED = 'whole pipeline step again (explanations on REVIEW and DECLINE)';
const PIPELINE_UNEXPLAINED = 'whole pipeline step, explanations off';
const EXPLAIN = 'explain (TreeSHAP + top features, per explained row)';

/**
 * The shipped model under another `model_version` (`withOnnxMetadata`), loaded as a second session: a
 * challenger of the same trees, so its cost is the challenger machinery's and one more model call's.
 */
async function loadChallenger(modelPath: string, spec: FeatureSpec, version: string): Promise<ModelPort> {
  const dir = mkdtempSync(join(tmpdir(), 'stage-costs-'));
  try {
    const path = join(dir, 'challenger.onnx');
    writeFileSync(path, withOnnxMetadata(readFileSync(modelPath), { model_version: `${version}-challenger` }));
    return await loadOnnxModel(path, { featureNames: spec.features.map((f) => f.name), specVersion: spec.version });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const IN_SUM = new Set(['decode', 'validate', 'features', 'model, batch 64', 'policy', 'drift', 'encode']);

async function main(): Promise<number> {
  const o = flagsOrExit('stage-costs', () => options(process.argv.slice(2)));
  // The service's configuration, but a backlog-sized deadline: a slow pass must not turn into degraded decisions;
  // and a wide challenger budget: a call the shared machine stalls past the default must not pause the challenger (such
  // calls are counted instead).
  const config = loadConfig(process.env, ['--deadline-ms', '600000', '--challenger-budget-us', '60000000']);
  const codecs = createSchemaCodecs();
  const { spec, model } = await loadSpecAndModel(config);
  const challenger = await loadChallenger(config.modelPath, spec, model.info.version).catch(async (error) => {
    await model.close();
    throw error;
  });
  try {
    const policy = policyConfigOf(config, model.info.thresholds);
    const generated = performance.now();
    const input = benchInput(o.count, o.days, codecs);
    const deps = { config, codecs, spec, model, challenger, policy, input };
    const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
    const meanBytes = input.encoded.reduce((s, b) => s + b.length, 0) / input.encoded.length;
    const genSeconds = ((performance.now() - generated) / 1000).toFixed(1);
    console.log(
      `${input.txs.length} simulated transactions (full scenario mix, ${input.customers} cards, ${input.days} days, ` +
        `${input.labels} labels, ${meanBytes.toFixed(0)} B/record encoded) in ${genSeconds} s; ` +
        `model ${model.info.version}, challenger ${challenger.info.version}; node ${process.version}, onnxruntime-node ${ortVersion}; ` +
        `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    );
    const loadBefore = loadavg();

    const gc = collectGarbage();
    const started = performance.now();
    await pass(
      new StageRunner(deps, o.warmup),
      o,
      o.warmup,
      async (items, body) => {
        await body();
        return { cpuNs: 0, wallNs: 0, items };
      },
      [],
    );
    const flagged: number[] = [];
    const passes: Map<string, Cost>[] = [];
    const overBudget: number[] = [];
    for (let p = 0; p < o.passes; p++) {
      const timed = (items: number, body: () => unknown) => measure(items, gc, body);
      const measured = await pass(new StageRunner(deps, o.count), o, o.count, timed, flagged);
      passes.push(measured.costs);
      overBudget.push(measured.overBudget);
    }
    const results: StageResult[] = [...passes[0]!.keys()].map((stage) => ({
      stage,
      cpuNs: passes.map((costs) => costs.get(stage)!.cpuNs),
      wallNs: passes.map((costs) => costs.get(stage)!.wallNs),
      inSum: IN_SUM.has(stage.split(' (')[0]!),
      ...(stage === PIPELINE_CHALLENGER ? { against: PIPELINE } : {}),
      ...(stage === PIPELINE_EXPLAINED ? { against: PIPELINE_UNEXPLAINED } : {}),
    }));
    const loadAfter = loadavg();
    const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `warm-up ${o.warmup} transactions, then ${o.passes} measured passes of ${o.count} ` +
        `(model at batch 1 over ${o.batch1Rows} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `load average before ${fmt(loadBefore)}, after ${fmt(loadAfter)}\n`,
    );
    console.log(stageTable(results));
    console.log(`\nexplained (REVIEW or DECLINE) per pass: ${flagged.map((f) => `${f} of ${o.count}`).join(', ')}`);
    console.log(
      `\nchallenger: scored every row of every measured pass; its calls over the service's default budget ` +
        `(counted, not paused here), per pass: ${overBudget.join(', ')}`,
    );
  } finally {
    await Promise.all([model.close(), challenger.close()]);
  }
  return 0;
}

process.exitCode = await main();
