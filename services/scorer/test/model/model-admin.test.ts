import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { ModelInfo, ModelPort } from '../../src/core/model-port.ts';
import { MicroBatcher } from '../../src/core/scoring/micro-batcher.ts';
import { createDashboardApp } from '../../src/dashboard/app.ts';
import { listen } from '../../src/dashboard/listen.ts';
import { LiveMetrics } from '../../src/metrics/live-metrics.ts';
import { createMetricsRegistry } from '../../src/metrics/prometheus.ts';
import { ModelAdmin } from '../../src/model/model-admin.ts';
import { createLogger } from '../../src/observability/logger.ts';

const TOKEN = 'unit-test-token-0123456789';

/** A model scoring every row `value`; `closed` tells whether it was closed; it may fail from call `failFrom`. */
function model(version: string, value: number, failFrom = Infinity): ModelPort & { closed: boolean; calls: number } {
  const info: ModelInfo = {
    version,
    featureNames: ['a', 'b'],
    featureSpecVersion: '1',
    trainingDataDigest: '',
    driftReference: null,
    explainer: null,
    thresholds: { review: 0.5, decline: 0.9 },
  };
  const m = {
    info,
    closed: false,
    calls: 0,
    score(_f: Float32Array, rows: number, out: Float32Array) {
      if (++m.calls >= failFrom) return Promise.reject(new Error('broken'));
      out.fill(value, 0, rows);
      return Promise.resolve();
    },
    close() {
      m.closed = true;
      return Promise.resolve();
    },
  };
  return m;
}

async function fixture(t: TestContext, files: Record<string, ModelPort | Error>) {
  const champion = model('v1', 0.1);
  const batcher = new MicroBatcher(champion, { maxRows: 8, maxWaitMs: 0 });
  const metrics = await LiveMetrics.create({ intervalMs: 60_000 });
  t.after(() => metrics.close());
  metrics.setModelVersion('v1');
  const admin = new ModelAdmin(
    {
      batcher,
      load: (path) => {
        const found = files[path];
        if (found === undefined)
          return Promise.reject(Object.assign(new Error(`no ${path}`), { code: 'MODEL_LOAD_FAILED' }));
        return found instanceof Error ? Promise.reject(found) : Promise.resolve(found);
      },
      warmUp: { rows: 8, calls: 3 },
      metrics,
      log: createLogger('silent', 'test'),
    },
    champion,
  );
  return { champion, batcher, metrics, admin };
}

test('a swapped-in champion is warmed up, then scores; the old one is closed; the metrics name it', async (t) => {
  const next = model('v2', 0.7);
  const { champion, batcher, metrics, admin } = await fixture(t, { '/m/v2.onnx': next });
  const change = await admin.swapChampion('/m/v2.onnx');
  assert.deepEqual(change, { ok: true, role: 'champion', version: 'v2', previous: 'v1' });
  assert.equal(next.calls, 3, 'three warm-up calls before it served');
  assert.ok(champion.closed, 'the old champion is closed');
  const out = new Float32Array(1);
  assert.equal((await batcher.score(new Float32Array(2), 1, out)).champion.version, 'v2');
  assert.equal(out[0], Math.fround(0.7));
  const s = metrics.snapshot({ encoded: false, distribution: false });
  assert.equal(s.modelVersion, 'v2');
  assert.deepEqual(s.models.changes.champion, { ok: 1, refused: 0 });
});

test('a model that fails to load or to warm up is refused with its code and reason; the serving one stays', async (t) => {
  const mismatch = Object.assign(new Error('features differ from the spec at #0'), { code: 'MODEL_MISMATCH' });
  const broken = model('v3', 0.5, 2);
  const { champion, batcher, metrics, admin } = await fixture(t, { '/m/bad.onnx': mismatch, '/m/broken.onnx': broken });
  assert.deepEqual(await admin.swapChampion('/m/bad.onnx'), {
    ok: false,
    role: 'champion',
    code: 'MODEL_MISMATCH',
    reason: 'features differ from the spec at #0',
  });
  const failed = await admin.swapChampion('/m/broken.onnx');
  assert.equal(failed.ok, false);
  assert.equal(failed.ok ? '' : failed.code, 'MODEL_FAILED');
  assert.ok(broken.closed, 'a candidate that failed its warm-up is closed');
  assert.equal(batcher.serving.version, 'v1');
  assert.ok(!champion.closed);
  assert.deepEqual(metrics.snapshot({ encoded: false }).models.changes.champion, { ok: 0, refused: 2 });
});

test('a challenger is set, replaced, promoted (a swap), and promotion without one is refused', async (t) => {
  const c1 = model('c1', 0.3);
  const c2 = model('c2', 0.4);
  const { champion, batcher, metrics, admin } = await fixture(t, { '/m/c1.onnx': c1, '/m/c2.onnx': c2 });
  assert.equal((await admin.promote()).ok, false, 'nothing to promote');
  assert.deepEqual(await admin.setChallenger('/m/c1.onnx'), {
    ok: true,
    role: 'challenger',
    version: 'c1',
    previous: null,
  });
  assert.deepEqual(await admin.setChallenger('/m/c2.onnx'), {
    ok: true,
    role: 'challenger',
    version: 'c2',
    previous: 'c1',
  });
  assert.ok(c1.closed);
  assert.equal(metrics.snapshot({ encoded: false }).models.challengerVersion, 'c2');
  assert.deepEqual(await admin.promote(), { ok: true, role: 'champion', version: 'c2', previous: 'v1' });
  assert.ok(champion.closed && !c2.closed);
  assert.equal(batcher.serving.version, 'c2');
  assert.equal(batcher.challenger, null);
  assert.equal(admin.challenger, null);
  assert.equal(metrics.snapshot({ encoded: false }).models.challengerVersion, null);
  await admin.close();
  assert.ok(c2.closed, 'close() closes the serving models');
});

test('the admin endpoints want the bearer token (401 and no change without it) and are off without a token', async (t) => {
  const next = model('v2', 0.7);
  const { admin, metrics } = await fixture(t, { '/m/v2.onnx': next });
  const serve = async (token: string | null, remote = false) => {
    const app = createDashboardApp({
      metrics,
      registry: createMetricsRegistry(metrics, { defaultMetrics: false }),
      readiness: () => ({
        consumerJoined: true,
        assigned: true,
        restored: true,
        modelLoaded: true,
        brokerReachable: true,
      }),
      admin: { token, remote, models: admin },
    });
    const http = await listen(app, '127.0.0.1', 0);
    t.after(() => http.close());
    return http.url;
  };
  const url = await serve(TOKEN);
  const post = (headers: Record<string, string>) =>
    fetch(`${url}/admin/model`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ path: '/m/v2.onnx' }),
    });
  assert.equal((await post({})).status, 401);
  assert.equal((await post({ authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await post({ authorization: `Basic ${TOKEN}` })).status, 401);
  assert.equal(admin.champion.version, 'v1', 'nothing changed');
  assert.equal(next.calls, 0, 'not even loaded');
  const ok = await post({ authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { models: { champion: { version: string } } }).models.champion.version, 'v2');
  const bad = await fetch(`${url}/admin/model`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ path: '/m/v2.onnx', role: 'referee' }),
  });
  assert.equal(bad.status, 400);
  const refused = await fetch(`${url}/admin/model`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ path: '/m/missing.onnx' }),
  });
  assert.equal(refused.status, 422);
  assert.equal(((await refused.json()) as { code: string }).code, 'MODEL_LOAD_FAILED');

  const off = await serve(null);
  assert.equal((await fetch(`${off}/admin/models`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
});
