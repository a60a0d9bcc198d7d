import { fileURLToPath } from 'node:url';
import express from 'express';
import type { ErrorRequestHandler, Request } from 'express';
import type { Registry } from 'prom-client';
import type { SnapshotOptions, SnapshotSource } from '../metrics/snapshot.ts';
import { adminRouter } from './admin-routes.ts';
import type { AdminOptions } from './admin-routes.ts';
import { eventStreamHandler } from './event-stream.ts';
import { readinessHandler } from './readiness.ts';
import type { ReadinessCheck } from './readiness.ts';

export interface DashboardLogger {
  error(details: object, message: string): void;
}

export interface DashboardDeps {
  metrics: SnapshotSource;
  /** From `createMetricsRegistry`. */
  registry: Registry;
  readiness: ReadinessCheck;
  /** How often `/api/stream` pushes a snapshot; default 1000 ms. */
  streamIntervalMs?: number;
  logger?: DashboardLogger;
  /** The `/admin` endpoints (model swap, challenger, promotion); none: not mounted. */
  admin?: AdminOptions;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

// The page loads nothing from elsewhere: it runs on closed networks, and this keeps it that way.
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

/** The dashboard and the operational endpoints. It does not listen: see `listen`. */
export function createDashboardApp(deps: DashboardDeps): express.Application {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessHandler(deps.readiness));
  app.get('/api/latency', (req, res) => {
    res.set('Cache-Control', 'no-store').json(deps.metrics.snapshot(snapshotOptions(req)));
  });
  app.get('/api/stream', eventStreamHandler(deps.metrics, deps.streamIntervalMs ?? 1000));
  app.get('/metrics', async (_req, res) => {
    const text = await deps.registry.metrics();
    res.set('Content-Type', deps.registry.contentType).send(text);
  });
  if (deps.admin !== undefined) app.use('/admin', adminRouter(deps.admin));
  app.use((_req, res, next) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  app.use(express.static(PUBLIC_DIR, { index: 'index.html' }));

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    deps.logger?.error({ err: error, path: req.path }, 'dashboard request failed');
    if (res.headersSent) res.end();
    else res.status(500).json({ error: 'internal error' });
  };
  app.use(onError);
  return app;
}

/** `?encoded=false` and `?distribution=false` trim `/api/latency` for pollers that only draw. */
function snapshotOptions(req: Request): SnapshotOptions {
  return { encoded: req.query['encoded'] !== 'false', distribution: req.query['distribution'] !== 'false' };
}
