import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveryMarkdown } from '../../src/delivery/delivery-benchmark.ts';
import type { DeliveryFigures, DeliveryReport } from '../../src/delivery/delivery-benchmark.ts';
import { drainResult } from '../../src/drain/drain-figures.ts';
import { measurement } from '../drain/drain-measurement.ts';

function figures(delivery: DeliveryFigures['delivery'], spanMs: number, cpuUs: number, p99Us: number): DeliveryFigures {
  return {
    delivery,
    drain: drainResult(measurement({ label: delivery, target: 'scorer', lastOutputMs: 1_000_000 + spanMs, cpuUs })),
    fixed: {
      latency: { p50: p99Us / 4, p99: p99Us, p99_9: p99Us * 2 },
      counts: { sent: 100, decided: 100, missing: 0, duplicates: delivery === 'at-least-once' ? 3 : 0 },
    },
  };
}

function report(results: readonly DeliveryFigures[]): DeliveryReport {
  return {
    tool: 'fraud-stream load-tests',
    mode: 'delivery',
    startedAt: '2026-12-03T19:00:00.000Z',
    finishedAt: '2026-12-03T19:05:00.000Z',
    command: 'bench --mode delivery',
    runId: 'lt-x',
    machine: { cpus: 2 } as unknown as DeliveryReport['machine'],
    partitions: 6,
    backlog: 10_001,
    rate: 1000,
    results,
  };
}

test('each delivery gets its row, and exactly-once is set against at-least-once', () => {
  // exactly-once: 10,000 records after the first in 4 s (2,500/s), 1 s CPU (100 µs each), p99 80 ms;
  // at-least-once: in 2 s (5,000/s), 0.5 s CPU (50 µs each), p99 20 ms.
  const md = deliveryMarkdown(
    report([figures('exactly-once', 4_000, 1_000_000, 80_000), figures('at-least-once', 2_000, 500_000, 20_000)]),
  );
  const rows = md.split('\n').filter((line) => line.startsWith('| exactly-once') || line.startsWith('| at-least'));
  assert.deepEqual(rows, [
    '| exactly-once | 2500/s | 100.0 µs | 20.00 ms | 80.00 ms | 160.00 ms | 0 / 0 |',
    '| at-least-once | 5000/s | 50.0 µs | 5.00 ms | 20.00 ms | 40.00 ms | 0 / 3 |',
    '| exactly-once ÷ at-least-once | 0.50× | 2.00× | 4.00× | 4.00× | 4.00× | |',
  ]);
});

test('with one delivery measured there is nothing to set it against', () => {
  const md = deliveryMarkdown(report([figures('exactly-once', 4_000, 1_000_000, 80_000)]));
  assert.match(md, /\| exactly-once \| 2500\/s/);
  assert.doesNotMatch(md, /÷/);
});
