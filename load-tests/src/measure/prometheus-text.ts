/**
 * The sum of every sample of one metric in Prometheus' text format (all its label sets), or undefined when the
 * text has none: `scorer_decisions_degraded_total{reason="deadline"} 3` and `{reason="model-failed"} 1` give 4.
 */
export function metricSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    // The value follows the name or the closing brace of the labels; a timestamp may follow it.
    const rest = line[name.length] === '{' ? line.slice(line.lastIndexOf('}') + 1) : line.slice(name.length);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}
