import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The page's scripts are plain browser modules; their pure parts run in Node too.
const PUBLIC = new URL('../../../src/dashboard/public/', import.meta.url);

interface Format {
  formatLatency: (us: number) => string;
  formatRate: (perSecond: number) => string;
  formatNines: (decades: number) => string;
  formatUptime: (seconds: number) => string;
  formatPartitions: (partitions: number[]) => string;
}
interface Charts {
  logTicks: (min: number, max: number) => number[];
  linearTicks: (max: number, count?: number) => number[];
  logRange: (values: number[], floor?: number) => { min: number; max: number };
  scale: (kind: 'log' | 'linear', min: number, max: number, from: number, to: number) => (v: number) => number;
}

const load = async <T>(file: string): Promise<T> => (await import(new URL(file, PUBLIC).href)) as T;

test('every page script is valid JavaScript', () => {
  const scripts = readdirSync(PUBLIC).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length >= 3);
  for (const file of scripts) {
    const result = spawnSync(process.execPath, ['--check', fileURLToPath(new URL(file, PUBLIC))], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${file}: ${result.stderr}`);
  }
});

test('latencies are shown in µs, ms or s with three significant digits', async () => {
  const { formatLatency, formatRate, formatUptime } = await load<Format>('format.js');
  assert.equal(formatLatency(0), '0 µs');
  assert.equal(formatLatency(999), '999 µs');
  assert.equal(formatLatency(1234), '1.23 ms');
  assert.equal(formatLatency(45_678), '45.7 ms');
  assert.equal(formatLatency(60_000_000), '60.0 s');
  assert.equal(formatLatency(Number.NaN), '–');
  assert.equal(formatRate(2.345), '2.3');
  assert.equal(formatRate(12_345.6), '12,346');
  assert.equal(formatUptime(3725), '1h 02m 05s');
});

test('partitions are listed with three or more in a row folded into a range', async () => {
  const { formatPartitions } = await load<Format>('format.js');
  assert.equal(formatPartitions([]), '');
  assert.equal(formatPartitions([4]), '4');
  assert.equal(formatPartitions([0, 1, 2, 3, 7, 9, 10]), '0–3, 7, 9, 10');
  assert.equal(formatPartitions([0, 2, 4]), '0, 2, 4');
});

test('the percentile axis is labelled in nines', async () => {
  const { formatNines } = await load<Format>('format.js');
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(formatNines), ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%']);
});

test('log axes tick at decades, with 2 and 5 between when the range is narrow', async () => {
  const { logTicks, logRange, scale } = await load<Charts>('charts.js');
  assert.deepEqual(logTicks(1, 10_000), [1, 10, 100, 1000, 10_000]);
  assert.deepEqual(logTicks(100, 10_000), [100, 200, 500, 1000, 2000, 5000, 10_000]);
  assert.deepEqual(logRange([230, 4100]), { min: 100, max: 10_000 });
  assert.deepEqual(logRange([0]), { min: 1, max: 1000 });
  const y = scale('log', 10, 1000, 200, 0);
  assert.equal(y(10), 200);
  assert.equal(y(100), 100);
  assert.equal(y(1), 200, 'values below the range sit on its floor');
});

test('linear ticks start at 0 and step by round numbers up to the maximum', async () => {
  const { linearTicks } = await load<Charts>('charts.js');
  assert.deepEqual(linearTicks(1000), [0, 250, 500, 750, 1000]);
  assert.deepEqual(linearTicks(37), [0, 10, 20, 30, 40]);
});
