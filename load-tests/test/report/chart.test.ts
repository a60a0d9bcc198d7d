import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentileChartSvg } from '../../src/report/chart.ts';

test('draws one path per curve, one bar per truncated percentile, the budget and a log percentile axis', () => {
  const svg = percentileChartSvg(
    [
      {
        kind: 'curve',
        label: 'scorer <fixed>',
        color: '#00f',
        count: 10_000,
        points: [
          { percentile: 0, ms: 2 },
          { percentile: 90, ms: 5 },
          { percentile: 99, ms: 12 },
          { percentile: 100, ms: 40 },
        ],
      },
      { kind: 'ranges', label: 'EndToEndLatency', color: '#f80', points: [{ percentile: 99, fromMs: 3, toMs: 4 }] },
    ],
    { title: 'T', subtitle: 'S', budgetMs: 50 },
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<path /g)?.length, 1);
  assert.match(svg, /scorer &lt;fixed&gt;/);
  assert.match(svg, /budget 50 ms/);
  for (const tick of ['>90%<', '>99%<', '>99.9%<', '>99.99%<']) assert.ok(svg.includes(tick), tick);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});
