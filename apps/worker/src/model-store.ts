import type { LoadedArtifact } from '@edgerec/core';
import { ApiError } from './errors';

/** Produces the model artifact to serve (the bundled one in production, any in tests). */
export type LoadModel = () => Promise<LoadedArtifact>;

/** Lazily loads the model once and hands the same result to every request. */
export interface ModelStore {
  /** The loaded artifact; rejects with a 503 `model_unavailable` ApiError when loading failed. */
  get(): Promise<LoadedArtifact>;
}

/**
 * Wraps a loader so it runs at most once per store (per isolate in production): the first
 * request that needs the model starts it, later ones share the promise. A failure is cached
 * too, since a bundled artifact cannot get better without a redeploy.
 */
export function createModelStore(load: LoadModel): ModelStore {
  let pending: Promise<LoadedArtifact> | undefined;
  return {
    get() {
      pending ??= Promise.resolve().then(load);
      return pending.catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError(503, 'model_unavailable', `the model could not be loaded: ${reason}`);
      });
    },
  };
}
