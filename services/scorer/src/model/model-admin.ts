import type { ModelInfo, ModelPort } from '../core/model-port.ts';
import type { MicroBatcher } from '../core/scoring/micro-batcher.ts';
import { errorMessage } from '../errors.ts';
import type { ModelRole, ScorerMetrics } from '../metrics/scorer-metrics.ts';
import type { Logger } from '../observability/logger.ts';

/** How a request to change a model ended: done (with the versions), or refused with the reason. */
export type ModelChange =
  | { readonly ok: true; readonly role: ModelRole; readonly version: string | null; readonly previous: string | null }
  | { readonly ok: false; readonly role: ModelRole; readonly code: string; readonly reason: string };

export interface ModelAdminDeps {
  readonly batcher: Pick<MicroBatcher, 'swap' | 'setChallenger'>;
  /**
   * Loads and validates a candidate: the ONNX file, its metadata against the feature spec, its thresholds as a
   * policy. Rejects with a coded error (MODEL_LOAD_FAILED, MODEL_MISMATCH, BAD_CONFIG) when it may not serve.
   */
  readonly load: (path: string) => Promise<ModelPort>;
  /** Rows per warm-up call (the batcher's largest call) and how many calls: paid before the model serves. */
  readonly warmUp: { readonly rows: number; readonly calls: number };
  readonly metrics: Pick<ScorerMetrics, 'setModelVersion' | 'setChallengerVersion' | 'modelChange'>;
  readonly log: Logger;
}

/**
 * Changes the models of a running scorer: a new champion swapped in between two model calls, a challenger set or
 * removed, the challenger promoted. A candidate is loaded, validated and warmed up off the traffic path first; one
 * that fails is refused with the reason and the serving models stay. One change at a time; each old model is
 * closed once no call uses it.
 */
export class ModelAdmin {
  readonly #deps: ModelAdminDeps;
  readonly #models: { champion: ModelPort; challenger: ModelPort | null };
  #queue: Promise<unknown> = Promise.resolve();
  /** The thresholds of every model that has served here, by version (a challenger's make its actions). */
  readonly #thresholds = new Map<string, ModelInfo['thresholds']>();

  constructor(deps: ModelAdminDeps, champion: ModelPort) {
    this.#deps = deps;
    this.#models = { champion, challenger: null };
    this.#thresholds.set(champion.info.version, champion.info.thresholds);
  }

  /** The thresholds of a model version that has served (as champion or challenger) here. */
  thresholdsOf(version: string): ModelInfo['thresholds'] | undefined {
    return this.#thresholds.get(version);
  }

  get champion(): ModelInfo {
    return this.#models.champion.info;
  }

  get challenger(): ModelInfo | null {
    return this.#models.challenger?.info ?? null;
  }

  /** Loads the model at `path` and makes it the champion. */
  swapChampion(path: string): Promise<ModelChange> {
    return this.#serialised('champion', async () => {
      const candidate = await this.#candidate(path);
      const previous = await this.#deps.batcher.swap(candidate);
      this.#models.champion = candidate;
      await this.#retire(previous);
      return this.#done('champion', candidate.info.version, previous.info.version);
    });
  }

  /** Loads the model at `path` as the challenger (replacing one), or with null removes the challenger. */
  setChallenger(path: string | null): Promise<ModelChange> {
    return this.#serialised('challenger', async () => {
      const candidate = path === null ? null : await this.#candidate(path);
      const previous = await this.#deps.batcher.setChallenger(candidate);
      this.#models.challenger = candidate;
      if (previous !== null) await this.#retire(previous);
      return this.#done('challenger', candidate?.info.version ?? null, previous?.info.version ?? null);
    });
  }

  /** The challenger becomes the champion (a hot swap); the old champion is closed, and no challenger is left. */
  promote(): Promise<ModelChange> {
    return this.#serialised('champion', async () => {
      const challenger = this.#models.challenger;
      if (challenger === null)
        throw Object.assign(new Error('there is no challenger to promote'), { code: 'NO_CHALLENGER' });
      await this.#deps.batcher.setChallenger(null);
      this.#models.challenger = null;
      this.#deps.metrics.setChallengerVersion(null);
      const previous = await this.#deps.batcher.swap(challenger);
      this.#models.champion = challenger;
      await this.#retire(previous);
      return this.#done('champion', challenger.info.version, previous.info.version);
    });
  }

  /** Closes the serving models (the service's last step with them). */
  async close(): Promise<void> {
    await this.#queue;
    await Promise.all([this.#models.champion.close(), this.#models.challenger?.close()]);
  }

  async #candidate(path: string): Promise<ModelPort> {
    const model = await this.#deps.load(path);
    try {
      const { rows, calls } = this.#deps.warmUp;
      const width = model.info.featureNames.length;
      const features = new Float32Array(rows * width);
      const out = new Float32Array(rows);
      for (let i = 0; i < calls; i++) await model.score(features, rows, out);
      this.#thresholds.set(model.info.version, model.info.thresholds);
      return model;
    } catch (error) {
      await model.close().catch(() => {});
      throw Object.assign(new Error(`the model failed its warm-up: ${errorMessage(error)}`), { code: 'MODEL_FAILED' });
    }
  }

  async #retire(model: ModelPort): Promise<void> {
    await model
      .close()
      .catch((error: unknown) => this.#deps.log.warn({ err: errorMessage(error) }, 'closing a model failed'));
  }

  #done(role: ModelRole, version: string | null, previous: string | null): ModelChange {
    if (role === 'champion' && version !== null) this.#deps.metrics.setModelVersion(version);
    if (role === 'challenger') this.#deps.metrics.setChallengerVersion(version);
    this.#deps.metrics.modelChange(role, 'ok');
    this.#deps.log.info(
      { role, model: version, previous },
      role === 'champion' ? 'model swapped in' : 'challenger set',
    );
    return { ok: true, role, version, previous };
  }

  #serialised(role: ModelRole, change: () => Promise<ModelChange>): Promise<ModelChange> {
    const result = this.#queue.then(change).catch((error: unknown): ModelChange => {
      const code = (error as { code?: unknown }).code;
      const refused: ModelChange = {
        ok: false,
        role,
        code: typeof code === 'string' ? code : 'MODEL_REFUSED',
        reason: errorMessage(error),
      };
      this.#deps.metrics.modelChange(role, 'refused');
      this.#deps.log.warn(
        { role, code: refused.code, reason: refused.reason },
        'model change refused: the serving models stay',
      );
      return refused;
    });
    this.#queue = result;
    return result;
  }
}
