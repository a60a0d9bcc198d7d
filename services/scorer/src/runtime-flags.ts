/**
 * Node flags the scorer runs with (the `scorer` npm script, the demo and the benchmarks start it so).
 *
 * `--max-semi-space-size=64`: a young generation of 64 MB instead of Node 24's default 16 MB. Nearly every
 * object the scorer makes (fetched records, decisions, request buffers) dies young, so a larger nursery means
 * fewer scavenges: in four paired drains of 300,000 records the scorer spent 15% less CPU per decision with it
 * (docs/benchmarks.md), for up to 3 × 48 MB more young generation
 * (V8's sizing; estimated, not measured).
 */
export const SCORER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
