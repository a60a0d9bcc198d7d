import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { ModelInfo } from '../core/model-port.ts';
import type { ModelChange } from '../model/model-admin.ts';

/** What the admin endpoints change (`ModelAdmin`). */
export interface ModelControl {
  readonly champion: ModelInfo;
  readonly challenger: ModelInfo | null;
  swapChampion(path: string): Promise<ModelChange>;
  setChallenger(path: string | null): Promise<ModelChange>;
  promote(): Promise<ModelChange>;
}

export interface AdminOptions {
  /** The bearer token; null: the endpoints are off (404). */
  readonly token: string | null;
  /** Answer peers other than loopback too. */
  readonly remote: boolean;
  readonly models: ModelControl;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `/admin/*`: the models of the running scorer. Every request needs `Authorization: Bearer <token>` (401
 * otherwise, and nothing changes) and, unless `remote`, a loopback peer (403).
 *   GET    /admin/models       the champion and the challenger
 *   POST   /admin/model        {"path": "...", "role": "champion" | "challenger"}: load, validate, warm up, swap in
 *   DELETE /admin/challenger   stop shadow scoring
 *   POST   /admin/promote      the challenger becomes the champion
 * A refused model answers 422 with its code and reason; the serving models stay.
 */
export function adminRouter(options: AdminOptions): express.Router {
  const router = express.Router();
  router.use(guard(options));
  router.use(express.json({ limit: '4kb' }));
  router.get('/models', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(describe(options.models));
  });
  router.post('/model', async (req, res) => {
    const body = (req.body ?? {}) as { path?: unknown; role?: unknown };
    const role = body.role ?? 'champion';
    if (typeof body.path !== 'string' || body.path === '' || (role !== 'champion' && role !== 'challenger')) {
      res.status(400).json({ error: 'expected {"path": "<model file>", "role": "champion" | "challenger"}' });
      return;
    }
    const change =
      role === 'champion'
        ? await options.models.swapChampion(body.path)
        : await options.models.setChallenger(body.path);
    answer(res, change, options.models);
  });
  router.delete('/challenger', async (_req, res) => {
    answer(res, await options.models.setChallenger(null), options.models);
  });
  router.post('/promote', async (_req, res) => {
    answer(res, await options.models.promote(), options.models);
  });
  return router;
}

function guard(options: AdminOptions): RequestHandler {
  const expected = options.token === null ? null : digest(options.token);
  return (req, res, next) => {
    if (expected === null) {
      res.status(404).json({ error: 'the admin endpoints are off: set SCORER_ADMIN_TOKEN' });
      return;
    }
    if (!options.remote && !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'admin from loopback only (SCORER_ADMIN_REMOTE=true allows others)' });
      return;
    }
    if (!authorised(req, expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a valid bearer token is required' });
      return;
    }
    next();
  };
}

/** Compares digests, so neither the token's length nor its prefix shows in the timing. */
function authorised(req: Request, expected: Buffer): boolean {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer (.+)$/.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function answer(res: Response, change: ModelChange, models: ModelControl): void {
  res.status(change.ok ? 200 : 422).json({ ...change, models: describe(models) });
}

function describe(models: ModelControl) {
  const info = (m: ModelInfo | null) => (m === null ? null : { version: m.version, thresholds: m.thresholds });
  return { champion: info(models.champion), challenger: info(models.challenger) };
}
