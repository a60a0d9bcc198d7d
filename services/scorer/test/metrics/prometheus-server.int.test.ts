import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer } from '@platformatic/kafka';
import { createSchemaCodecs } from '../../../../schemas/src/codecs.ts';
import { sampleTransaction } from '../../../../schemas/test/fixtures.ts';
import { testBrokers } from '../../../../test-support/kafka.ts';
import { loadConfig } from '../../src/config.ts';
import { baseClientOptions } from '../../src/kafka/client-options.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { ScorerService } from '../../src/service.ts';
import { createScorerTopics, scorerTopicEnv } from '../scorer-topics.ts';

// Debian's prometheus package (.ci/run installs it, as scripts/ci-packages.txt lists): the server and promtool.
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const DASHBOARD = new URL('../../../../infra/grafana/scorer-dashboard.json', import.meta.url);
const ALERTS = new URL('../../../../infra/prometheus/scorer-alerts.yml', import.meta.url);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query against Prometheus' HTTP API; its result vector. */
async function query(base: string, promql: string): Promise<Sample[]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; data?: { result: Sample[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error ?? body.status}`);
  return body.data!.result;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const got = await probe();
      if (got !== undefined) return got;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`,
      );
    await sleep(500);
  }
}

test('Prometheus scrapes a running scorer: the p99, the decision rate and every Grafana panel come back through its query API, the alerting rules evaluate, and promtool passes both', async (t) => {
  const topics = scorerTopicEnv('prometheus');
  await createScorerTopics(topics, 2);
  const config = loadConfig(
    {
      ...topics,
      MODEL_PATH: '',
      KAFKA_BROKERS: testBrokers().join(','),
      TOPIC_REPLICATION_FACTOR: '1',
      HTTP_PORT: '0',
      DEADLINE_MS: '60000',
      METRICS_INTERVAL_MS: '500',
    },
    [],
  );
  const scorer = await ScorerService.start(config, createLogger('warn', 'prometheus-test'));
  t.after(() => scorer.stop('test over'));
  const scorerUrl = new URL(scorer.url!);

  const dir = mkdtempSync(join(tmpdir(), 'prometheus-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${ALERTS.pathname}`,
      'scrape_configs:',
      '  - job_name: scorer',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${scorerUrl.port}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const server = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let serverLog = '';
  server.stderr.on('data', (chunk: Buffer) => (serverLog = (serverLog + chunk.toString()).slice(-4000)));
  t.after(() => {
    server.kill('SIGTERM');
  });
  const prometheus = `http://127.0.0.1:${port}`;

  // Steady traffic for the rate: 10 transactions every 100 ms, for 12 s.
  const producer = new Producer({ ...baseClientOptions(testBrokers(), 'prometheus-test'), autocreateTopics: false });
  t.after(() => producer.close());
  const codecs = createSchemaCodecs();
  let sent = 0;
  for (let round = 0; round < 120; round++) {
    const messages = Array.from({ length: 10 }, () => {
      const i = sent++;
      const tx = sampleTransaction({
        transactionId: `prom-${i}`,
        cardId: `card-${(i % 17).toString(16).padStart(4, '0')}`,
        eventTime: Date.UTC(2018, 3, 1) + i * 60_000,
      });
      return { topic: topics.TOPIC_TRANSACTIONS, key: Buffer.from(tx.cardId), value: codecs.transaction.encode(tx) };
    });
    // One undecodable record now and then: dead letters have series only once there is one.
    if (round % 40 === 0)
      messages.push({
        topic: topics.TOPIC_TRANSACTIONS,
        key: Buffer.from('card-bad'),
        value: Buffer.from([1, 0, 0, 9]),
      });
    await producer.send({ messages });
    await sleep(100);
  }

  const up = await eventually('the scorer target up', async () => {
    const r = await query(prometheus, 'up{job="scorer"}');
    return r[0]?.value[1] === '1' ? r : undefined;
  });
  assert.equal(up.length, 1, serverLog);

  const rate = await eventually('a decision rate', async () => {
    const r = await query(prometheus, 'sum(rate(scorer_decisions_total[10s]))');
    const v = Number(r[0]?.value[1]);
    return v > 0 ? v : undefined;
  });
  // 100 transactions per second were sent; the window's edges and the scrape interval blur it.
  assert.ok(rate > 20 && rate < 400, `decision rate ${rate}/s`);

  const p99 = await eventually('the e2e p99', async () => {
    const r = await query(prometheus, 'scorer_latency_seconds{latency="e2e",window="cumulative",percentile="0.99"}');
    const v = Number(r[0]?.value[1]);
    return v > 0 ? v : undefined;
  });
  assert.ok(p99 > 0 && p99 < 60, `e2e p99 ${p99} s`);

  const decided = await query(prometheus, 'sum(scorer_decisions_total)');
  assert.ok(Number(decided[0]?.value[1]) <= sent, 'no more decisions than transactions');

  // Every query of the Grafana dashboard runs against this Prometheus and finds series.
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const empty: string[] = [];
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      const result = await query(prometheus, expr.replaceAll('$__rate_interval', '10s'));
      if (result.length === 0) empty.push(`${panel.title}: ${expr}`);
    }
  }
  assert.deepEqual(empty, [], 'dashboard queries without series');

  // The alerting rules load and evaluate on the real series.
  const rules = await eventually('the alerting rules evaluated', async () => {
    const body = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const all = body.data.groups.flatMap((g) => g.rules);
    return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
  });
  assert.equal(rules.length, 10);
  assert.deepEqual(
    rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError ?? r.health}`),
    [],
  );
  const lint = spawnSync(PROMTOOL, ['check', 'rules', ALERTS.pathname], { encoding: 'utf8' });
  assert.equal(lint.status, 0, `promtool check rules:\n${lint.stdout}${lint.stderr}`);

  const text = await (await fetch(`${scorer.url}/metrics`)).text();
  const metricsLint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(metricsLint.status, 0, `promtool check metrics:\n${metricsLint.stdout}${metricsLint.stderr}`);
});
