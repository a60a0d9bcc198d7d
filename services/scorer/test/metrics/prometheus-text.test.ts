import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText } from './prometheus-text.ts';

test('the parser reads families, labels with escapes and special values', () => {
  const families = parsePrometheusText(
    [
      '# HELP a_total Things.',
      '# TYPE a_total counter',
      'a_total{kind="x\\"y",n="2"} 3',
      'a_total{kind="z"} 1e3',
      '# TYPE b gauge',
      'b{x="1"} NaN',
      'b{x="2"} Nan',
      '',
    ].join('\n'),
  );
  assert.deepEqual(families.get('a_total'), {
    type: 'counter',
    help: 'Things.',
    samples: [
      { name: 'a_total', labels: { kind: 'x"y', n: '2' }, value: 3 },
      { name: 'a_total', labels: { kind: 'z' }, value: 1000 },
    ],
  });
  assert.ok(Number.isNaN(families.get('b')?.samples[0]?.value));
  assert.ok(Number.isNaN(families.get('b')?.samples[1]?.value));
});

test('the parser rejects what Prometheus would reject', () => {
  const bad = [
    '# TYPE a counter\na 1',
    '# TYPE a counter\na{x=1} 1\n',
    '# TYPE a counter\na one\n',
    '# TYPE a counter\nb 1\n',
    '# TYPE a counter\na 1\na 2\n',
    '# TYPE a meter\na 1\n',
    '# TYPE 1a counter\n',
  ];
  for (const text of bad) assert.throws(() => parsePrometheusText(text), Error, text);
});
