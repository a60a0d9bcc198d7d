/** What Kafka's `EndToEndLatency` prints, parsed. Its percentiles are whole milliseconds, truncated. */
export interface EndToEndLatencyResult {
  readonly messages: number;
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** Every 1000th round trip as it printed it: `[index, ms]` (the first includes connection set-up). */
  readonly samples: readonly (readonly [number, number])[];
}

/**
 * Parses the tool's stdout (Kafka 3.9, `org.apache.kafka.tools.EndToEndLatency`):
 * `<i>\t<ms>` every 1000 messages, `Avg latency: 2.8139 ms`, `Percentiles: 50th = 1, 99th = 18, 99.9th = 44`.
 * Undefined if the summary lines are not there.
 */
export function parseEndToEndLatency(stdout: string, messages: number): EndToEndLatencyResult | undefined {
  const avg = /^Avg latency: ([\d.]+) ms$/m.exec(stdout);
  const pct = /^Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)$/m.exec(stdout);
  if (!avg || !pct) return undefined;
  const samples: [number, number][] = [];
  for (const match of stdout.matchAll(/^(\d+)\t([\d.]+)$/gm)) samples.push([Number(match[1]), Number(match[2])]);
  return {
    messages,
    avgMs: Number(avg[1]),
    p50Ms: Number(pct[1]),
    p99Ms: Number(pct[2]),
    p999Ms: Number(pct[3]),
    samples,
  };
}
