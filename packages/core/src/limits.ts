/**
 * The limits shared by the trainer, the artifact reader and the Worker, so that whatever the
 * trainer writes the Worker can load and serve, and whatever an artifact declares is bounded
 * before anything is allocated for it.
 */

/** Most characters in a user or item id: the trainer refuses (or skips) longer ids, the Worker refuses them in requests. */
export const MAX_ID_LENGTH = 256;
/** Largest embedding width a model may have (the trainer's `--dim`, an artifact's `model.dim`). */
export const MAX_DIM = 1024;
/** Most (user, item) pairs one batch scoring request may carry. */
export const MAX_BATCH = 1000;
/** Bounds of `k`, the number of recommendations or similar items one request returns. */
export const K_MIN = 1;
export const K_MAX = 100;
/** Most users or items one artifact may list (ids are held in memory as strings and an index). */
export const MAX_IDS = 50_000_000;
/**
 * Most bytes the decoded tables of one artifact may take (factor and bias tables, popularity,
 * seen lists, Gramians, id indexes estimated): an artifact declaring more is refused before its
 * tables are decoded. The default leaves room inside a Worker isolate's 128 MB; Node callers
 * (the trainer) may raise it through `ParseOptions.maxDecodedBytes`.
 */
export const DEFAULT_MAX_DECODED_BYTES = 96 * 1024 * 1024;
/** Most lists (k-means centroids) an IVF index may have; an artifact declaring more is refused. */
export const MAX_IVF_LISTS = 65_536;
