/**
 * CPU cost per transaction of each stage of the scorer, without Kafka, on simulated transactions already
 * Avro-encoded as they sit on the topic: decode, validate, features, model (per row, at batch 64 and 1), policy,
 * encode, and the whole pipeline step (ScoringPipeline with the MicroBatcher and the real ONNX model).
 * Run: node --import tsx services/scorer/src/bench/stage-costs.ts [--count 100000] [--days 30]
 *        [--batch1-rows 20000] [--passes 3] [--warmup 20000]   (--help: the flags)
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { createSchemaCodecs } from '../../../../schemas/src/codecs.ts';
import { flagsOrExit, parseFlags } from '../../../cli/src/flags.ts';
import type { CommandSpec, FlagTable } from '../../../cli/src/flags.ts';
import { loadConfig, policyConfigOf } from '../config.ts';
import { loadSpecAndModel } from '../scoring-core.ts';
import { benchInput } from './bench-input.ts';
import { collectGarbage, measure } from './cpu-cost.ts';
import type { Cost } from './cpu-cost.ts';
import { StageRunner } from './stage-runner.ts';
import { stageTable } from './stage-table.ts';
import type { StageResult } from './stage-table.ts';

interface Options {
  readonly count: number;
  readonly days: number;
  readonly batch1Rows: number;
  readonly passes: number;
  readonly warmup: number;
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
  };
}

/** Every stage once over the runner's transactions; `time` measures (or, for the warm-up, just runs) each. */
async function pass(
  runner: StageRunner,
  o: Options,
  n: number,
  time: (items: number, body: () => unknown) => Promise<Cost>,
): Promise<Map<string, Cost>> {
  const costs = new Map<string, Cost>();
  costs.set('decode (framing + Avro)', await time(n, () => runner.decode()));
  costs.set('validate', await time(n, () => runner.validate()));
  costs.set('features (state update + row)', await time(n, () => runner.features()));
  costs.set('model, batch 64 (per row)', await time(n, () => runner.model(64)));
  costs.set('policy', await time(n, () => runner.policy()));
  costs.set('encode (decision, Avro + framing)', await time(n, () => runner.encode()));
  const rows1 = Math.min(o.batch1Rows, n);
  costs.set('model, batch 1 (per row)', await time(rows1, () => runner.model(1, rows1)));
  runner.preparePipeline();
  let decided = 0;
  costs.set(
    'whole pipeline step (ScoringPipeline, MicroBatcher 64 rows/1 ms, ONNX)',
    await time(n, async () => (decided = await runner.pipeline())),
  );
  if (decided !== n) throw new Error(`the pipeline decided ${decided} of ${n} transactions without degrading`);
  return costs;
}

const IN_SUM = new Set(['decode', 'validate', 'features', 'model, batch 64', 'policy', 'encode']);

async function main(): Promise<number> {
  const o = flagsOrExit('stage-costs', () => options(process.argv.slice(2)));
  // The service's configuration, but a backlog-sized deadline: a slow pass must not turn into degraded decisions.
  const config = loadConfig(process.env, ['--deadline-ms', '600000']);
  const codecs = createSchemaCodecs();
  const { spec, model } = await loadSpecAndModel(config);
  try {
    const policy = policyConfigOf(config, model.info.thresholds);
    const generated = performance.now();
    const input = benchInput(o.count, o.days, codecs);
    const deps = { config, codecs, spec, model, policy, input };
    const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
    const meanBytes = input.encoded.reduce((s, b) => s + b.length, 0) / input.encoded.length;
    const genSeconds = ((performance.now() - generated) / 1000).toFixed(1);
    console.log(
      `${input.txs.length} simulated transactions (full scenario mix, ${input.customers} cards, ${input.days} days, ` +
        `${input.labels} labels, ${meanBytes.toFixed(0)} B/record encoded) in ${genSeconds} s; ` +
        `model ${model.info.version}; node ${process.version}, onnxruntime-node ${ortVersion}; ` +
        `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    );
    const loadBefore = loadavg();

    const gc = collectGarbage();
    const started = performance.now();
    await pass(new StageRunner(deps, o.warmup), o, o.warmup, async (items, body) => {
      await body();
      return { cpuNs: 0, wallNs: 0, items };
    });
    const passes: Map<string, Cost>[] = [];
    for (let p = 0; p < o.passes; p++) {
      passes.push(await pass(new StageRunner(deps, o.count), o, o.count, (items, body) => measure(items, gc, body)));
    }
    const results: StageResult[] = [...passes[0]!.keys()].map((stage) => ({
      stage,
      cpuNs: passes.map((costs) => costs.get(stage)!.cpuNs),
      wallNs: passes.map((costs) => costs.get(stage)!.wallNs),
      inSum: IN_SUM.has(stage.split(' (')[0]!),
    }));
    const loadAfter = loadavg();
    const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `warm-up ${o.warmup} transactions, then ${o.passes} measured passes of ${o.count} ` +
        `(model at batch 1 over ${o.batch1Rows} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `load average before ${fmt(loadBefore)}, after ${fmt(loadAfter)}\n`,
    );
    console.log(stageTable(results));
  } finally {
    await model.close();
  }
  return 0;
}

process.exitCode = await main();
