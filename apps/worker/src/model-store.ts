/**
 * The model this isolate serves, hot swaps, and how a request pins one model version.
 *
 * HOW A ROUTE GETS THE MODEL (follow this in new routes)
 *
 *   - Put model-backed routes under `/v1/`. `installModelStore` (called once in app.ts, before the
 *     routes are registered) adds a middleware on `/v1/*` that runs before the route's validators
 *     and handler: it takes the model version serving at that moment, stores it in the context and
 *     adds the `x-edgerec-model: <sha256 first 12>` response header.
 *   - In the handler, read it from the context (no await, no store):
 *
 *         const { model, meta } = c.get('model');
 *
 *     `model` is core's RecommenderModel, `meta` the artifact metadata, `origin` where it was read
 *     from (a {@link ServedModel}). Use only this object for the whole request, also after an
 *     `await`: `POST /admin/reload` replaces the store's current model, never the one a request
 *     already holds, so one response is always computed by one model version.
 *   - The middleware answers 503 `model_unavailable` when no model can be loaded, and skips paths
 *     with no matching route, so 404/405 answers stay as they are.
 *   - A route outside `/v1/` that needs the model adds `pinModel(models)` to its own middleware.
 *
 * LOADING
 *
 *   The first model-backed request loads the model (lazily, once: concurrent requests share the
 *   load). A failed first load is remembered: every request answers 503 with its message. Failures
 *   from R2 (a missing pointer, say) are retried after {@link RETRY_FAILED_LOAD_MS}; a broken
 *   bundled artifact cannot get better without a redeploy, so it is not. `reload()` (behind
 *   `POST /admin/reload`) reads the configured source again and swaps the new model in only if it
 *   validates; concurrent reloads share one load (single-flight).
 */
import type { LoadedArtifact } from '@edgerec/core';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { App, AppEnv } from './app-env';
import { ApiError } from './errors';
import { createModelLoader, describeLoadFailure, type LoadModel, type ServedModel } from './model-source';

export type { LoadModel, ServedModel } from './model-source';

/** Loads the model to serve from the configured source. */
export type LoadServedModel = (env: Env) => Promise<ServedModel>;

/** Hono context variables the model middleware sets (part of `AppEnv`). */
export interface ModelVariables {
  /** The model version serving this request, pinned when the request started. */
  model: ServedModel;
}

/** Response header naming the model version that computed the response. */
export const MODEL_HEADER = 'x-edgerec-model';

/** How long a failed retryable load (R2) is remembered before a request tries again. */
export const RETRY_FAILED_LOAD_MS = 10_000;

/** The result of {@link ModelStore.reload}. */
export type ReloadOutcome =
  | {
      ok: true;
      /** `loaded`: there was no model before; `swapped`: a different sha256 now serves; `unchanged`: same sha256. */
      status: 'loaded' | 'swapped' | 'unchanged';
      previous: ServedModel | undefined;
      current: ServedModel;
      /** True when this call joined a reload that was already running. */
      joined: boolean;
    }
  | {
      ok: false;
      /** Why the new model was not loaded; the previous one (if any) keeps serving. */
      error: unknown;
      current: ServedModel | undefined;
      joined: boolean;
    };

/** The isolate's model: loaded lazily, swapped atomically by `reload`. */
export interface ModelStore {
  /** The model serving now, if one is loaded (synchronous: what a request starting now pins). */
  peek(): ServedModel | undefined;
  /** The model serving now, loading it on first use; rejects with a 503 `model_unavailable` ApiError. */
  get(env?: Env): Promise<ServedModel>;
  /**
   * Loads the configured source again and, if the artifact validates, makes it the current model
   * (one assignment: requests that already pinned the previous one finish with it). A failure
   * leaves the current model serving. Calls made while a reload runs join it (one load).
   */
  reload(env?: Env): Promise<ReloadOutcome>;
}

/** Options of {@link createModelStore}. */
export interface ModelStoreOptions {
  /** Pause before a failed retryable load is tried again (default {@link RETRY_FAILED_LOAD_MS}). */
  retryFailedLoadAfterMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * A store around `load`. Loads are numbered; a result is applied only when it is newer than the
 * one serving, so a slow first load can never overwrite a reload that finished before it.
 */
export function createModelStore(load: LoadServedModel, options: ModelStoreOptions = {}): ModelStore {
  const retryMs = options.retryFailedLoadAfterMs ?? RETRY_FAILED_LOAD_MS;
  const now = options.now ?? Date.now;
  let current: ServedModel | undefined;
  let appliedSeq = 0;
  let startedSeq = 0;
  let firstLoad: Promise<ServedModel> | undefined;
  let reloading: Promise<ReloadOutcome> | undefined;
  let failure: { error: unknown; at: number } | undefined;

  const run = async (env: Env): Promise<{ model: ServedModel; seq: number }> => {
    const seq = ++startedSeq;
    return { model: await load(env), seq };
  };
  const apply = (model: ServedModel, seq: number): void => {
    if (seq <= appliedSeq) return;
    appliedSeq = seq;
    current = model;
    failure = undefined;
  };
  const remember = (error: unknown): void => {
    if (!current) failure = { error, at: now() };
  };
  const canRetry = (error: unknown): boolean =>
    (error as { retryable?: unknown } | null)?.retryable === true && now() - (failure?.at ?? 0) >= retryMs;

  return {
    peek: () => current,

    get(env = {}) {
      if (current) return Promise.resolve(current);
      if (reloading) {
        // No model yet and a reload is running: its result is what this request will get.
        return reloading.then((outcome) => {
          if (outcome.current) return outcome.current;
          throw unavailable(outcome.ok ? undefined : outcome.error);
        });
      }
      if (!firstLoad) {
        if (failure && !canRetry(failure.error)) return Promise.reject(unavailable(failure.error));
        firstLoad = run(env)
          .then(
            ({ model, seq }) => {
              apply(model, seq);
              return current!;
            },
            (error: unknown) => {
              if (current) return current;
              remember(error);
              throw error;
            },
          )
          .finally(() => {
            firstLoad = undefined;
          });
      }
      return firstLoad.catch((error: unknown) => {
        throw unavailable(error);
      });
    },

    reload(env = {}) {
      if (reloading) return reloading.then((outcome) => ({ ...outcome, joined: true }));
      reloading = run(env)
        .then(
          ({ model, seq }): ReloadOutcome => {
            const previous = current;
            apply(model, seq);
            const status = !previous ? 'loaded' : previous.meta.sha256 === model.meta.sha256 ? 'unchanged' : 'swapped';
            return { ok: true, status, previous, current: current!, joined: false };
          },
          (error: unknown): ReloadOutcome => {
            remember(error);
            return { ok: false, error, current, joined: false };
          },
        )
        .finally(() => {
          reloading = undefined;
        });
      return reloading;
    },
  };
}

/** The 503 a request gets when no model can be loaded; the message names the failure's code and says why. */
function unavailable(error: unknown): ApiError {
  if (error === undefined)
    return new ApiError(503, 'model_unavailable', 'the model could not be loaded: no model is loaded');
  const { reason, message } = describeLoadFailure(error);
  return new ApiError(503, 'model_unavailable', `the model could not be loaded (${reason}): ${message}`);
}

/** The short version tag of a model: the first 12 characters of its sha256. */
export function modelTag(model: LoadedArtifact): string {
  return model.meta.sha256.slice(0, 12);
}

/**
 * Middleware pinning one model version per request (see the top of this file): `c.get('model')`
 * and the `x-edgerec-model` header. Requests with no matching route, or only routes in `modelFree`
 * (`METHOD path`, the routes mounted with `modelFree: true`), pass through untouched.
 */
export function pinModel(models: ModelStore, modelFree: ReadonlySet<string> = new Set()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
    if (routes.length === 0 || routes.every((route) => modelFree.has(`${route.method} ${route.path}`))) {
      return next();
    }
    const model = models.peek() ?? (await keepAlive(c, models.get(c.env ?? {})));
    c.set('model', model);
    c.header(MODEL_HEADER, modelTag(model));
    await next();
  };
}

/**
 * Lets a load started by this request finish even if the client goes away, so the requests sharing
 * it are not left waiting. No-op without an execution context (`app.request` in tests).
 */
export function keepAlive<T>(c: Context, pending: Promise<T>): Promise<T> {
  try {
    c.executionCtx.waitUntil(pending.catch(() => undefined));
  } catch {
    // no ExecutionContext
  }
  return pending;
}

/**
 * Creates the isolate's model store for the configured source (bundled via `loadBundled`, or R2)
 * and pins one model version on every `/v1/*` request. Call once, before registering routes.
 */
export function installModelStore(app: App, loadBundled: LoadModel, options?: ModelStoreOptions): ModelStore {
  const models = createModelStore(createModelLoader(loadBundled), options);
  app.use('/v1/*', pinModel(models, app.modelFreeRoutes)); // filled as the routes are mounted
  return models;
}
