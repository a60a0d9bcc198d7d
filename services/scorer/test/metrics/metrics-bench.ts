// Cost of the metrics on the hot path, of an interval rotation and of snapshots. Bounded (a few seconds at most);
// run by hand, on a quiet machine:  node --expose-gc --import tsx services/scorer/test/metrics/metrics-bench.ts
import { PerformanceObserver } from 'node:perf_hooks';
import { LiveMetrics } from '../../src/metrics/live-metrics.ts';
import { LATENCY_NAMES } from '../../src/metrics/scorer-metrics.ts';
import { createMetricsRegistry } from '../../src/metrics/prometheus.ts';

const RECORDS = 2_000_000;
const ROUNDS = 16;
const metrics = await LiveMetrics.create();
const registry = createMetricsRegistry(metrics);
// Log-uniform between about 100 µs and 20 ms: a wide spread makes summaries and encodings costlier.
const values = Float64Array.from({ length: 4096 }, () => 1500 * Math.exp(2.6 * (Math.random() * 2 - 1)));

const elapsedUs = (run: () => unknown): number => {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const print = (label: string, us: number): void =>
  console.log(`${label.padEnd(48)} ${us < 1 ? `${(us * 1000).toFixed(1)} ns` : `${us.toFixed(1)} µs`}`);

const record = (): void => {
  for (let i = 0; i < RECORDS; i++) metrics.recordLatency('process', values[i & 4095]!);
};
record(); // warm up
(globalThis as { gc?: () => void }).gc?.();
let gcs = 0;
const observer = new PerformanceObserver((list) => (gcs += list.getEntries().length));
observer.observe({ entryTypes: ['gc'] });
const perCall = median([elapsedUs(record), elapsedUs(record), elapsedUs(record)]) / RECORDS;
await new Promise((resolve) => setImmediate(resolve));
observer.disconnect();
print('recordLatency, per call', perCall);
console.log(`${'garbage collections during 6M records'.padEnd(48)} ${gcs}`);

const rotations: number[] = [];
const firstSnapshots: number[] = [];
const preparedSnapshots: number[] = [];
const cachedSnapshots: number[] = [];
const streamSnapshots: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < 50_000; i++)
    for (const name of LATENCY_NAMES) metrics.recordLatency(name, values[(i * 7) & 4095]!);
  rotations.push(elapsedUs(() => metrics.rotate()));
  if (round % 2 === 0) firstSnapshots.push(elapsedUs(() => metrics.snapshot()));
  else {
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    preparedSnapshots.push(elapsedUs(() => metrics.snapshot()));
  }
  cachedSnapshots.push(elapsedUs(() => metrics.snapshot()));
  streamSnapshots.push(elapsedUs(() => metrics.snapshot({ encoded: false })));
}
print('rotate (4 latencies: swap, fold, summaries)', median(rotations));
print('full snapshot right after a rotation (encodes)', median(firstSnapshots));
print('full snapshot once the background slices ran', median(preparedSnapshots));
print('full snapshot, cached', median(cachedSnapshots));
print('snapshot without encodings (/api/stream)', median(streamSnapshots));
print(
  'JSON.stringify(full snapshot)',
  median(Array.from({ length: 9 }, () => elapsedUs(() => JSON.stringify(metrics.snapshot())))),
);
const scrapes: number[] = [];
for (let i = 0; i < 9; i++) {
  const start = process.hrtime.bigint();
  await registry.metrics();
  scrapes.push(Number(process.hrtime.bigint() - start) / 1000);
}
print('Prometheus scrape (with default metrics)', median(scrapes));
metrics.close();
