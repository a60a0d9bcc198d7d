import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEndToEndLatency } from '../../src/baselines/end-to-end-output.ts';

// Kafka 3.9.1's org.apache.kafka.tools.EndToEndLatency, as it printed on this machine.
const OUTPUT = `Topic "lt-e2e" does not exist. Will create topic with 1 partition(s) and replication factor = 1
0\t154.095524
1000\t1.892009
2000\t0.609869
Avg latency: 2.8139 ms
Percentiles: 50th = 1, 99th = 18, 99.9th = 44
`;

test('reads the average, the three percentiles and the sampled round trips from the tool output', () => {
  const result = parseEndToEndLatency(OUTPUT, 3000);
  assert.deepEqual(result, {
    messages: 3000,
    avgMs: 2.8139,
    p50Ms: 1,
    p99Ms: 18,
    p999Ms: 44,
    samples: [
      [0, 154.095524],
      [1000, 1.892009],
      [2000, 0.609869],
    ],
  });
});

test('answers undefined when the summary lines are missing (the tool failed part-way)', () => {
  assert.equal(
    parseEndToEndLatency('0\t154.0\nException in thread "main" org.apache.kafka.common.errors.TimeoutException\n', 10),
    undefined,
  );
});
