/**
 * Every limit the Worker enforces, in one place (README "Limits"). The ones the trainer and the
 * artifact reader share come from @edgerec/core and are only re-exported here; the rest bound
 * what one request, or one model load, may cost this Worker.
 */
export { DEFAULT_MAX_DECODED_BYTES, K_MAX, K_MIN, MAX_BATCH, MAX_DIM, MAX_ID_LENGTH, MAX_IDS } from '@edgerec/core';

const MIB = 1024 * 1024;

/** Largest accepted request body, in bytes (a full batch of 1000 pairs of 256-character ids is about 0.5 MiB). */
export const MAX_BODY_BYTES = 2 * MIB;
/** `k` when a request gives none. */
export const K_DEFAULT = 10;
/** Most candidate ids one recommendations request may rank (`candidates`). */
export const MAX_CANDIDATES = 1000;
/** Most ids one recommendations request may exclude (`exclude`). */
export const MAX_EXCLUDE = 1000;
/** Most ratings one fold-in request (`POST /v1/recommendations`) may carry. */
export const MAX_FOLD_IN_RATINGS = 200;
/**
 * Most items one interaction fold-in request may carry: at ML-1M size (3,706 items) the fold-in
 * and top-10 of 1,000 items take about 2 ms of CPU at dim 64 and 8.5 ms at dim 128, inside the
 * Free plan's 10 ms (README, "What a fold-in costs"); the cost grows with items × dim².
 */
export const MAX_FOLD_IN_ITEMS = 1000;
/** Largest weight of one interaction in a fold-in (a count or a duration; core turns it into a confidence). */
export const MAX_INTERACTION_WEIGHT = 1e6;
/**
 * Bounds of the fold-in ridge `l2` a request may set (the default is core's DEFAULT_FOLD_IN_L2 for
 * ratings, the ranking head's trained λ for items).
 */
export const FOLD_IN_L2_MIN = 1e-4;
export const FOLD_IN_L2_MAX = 100;
/** `order=rating` re-ranks the ranking head's best max(RERANK_POOL_FACTOR·k, RERANK_POOL_MIN) items by predicted rating. */
export const RERANK_POOL_FACTOR = 5;
export const RERANK_POOL_MIN = 50;

/**
 * Largest R2 artifact object the Worker reads (`MODEL_MAX_OBJECT_MB` overrides it), checked from
 * the object's size before its body is downloaded. An isolate has 128 MB: while an artifact
 * loads, its text and the strings JSON.parse copies out of it (about twice the object) sit next to
 * the tables being decoded and, during a reload, the model still serving; 32 MiB keeps that peak
 * under the limit for a base64 artifact (a 7M-parameter model is about 13 MB in int8).
 */
export const DEFAULT_MAX_OBJECT_BYTES = 32 * MIB;
/** Largest value `MODEL_MAX_DECODED_MB` / `MODEL_MAX_OBJECT_MB` may set, in MiB (a typo must not disable the bound). */
export const MAX_BUDGET_MB = 1024;

/**
 * ITEM_INDEX=vectorize asks Vectorize for min(VECTORIZE_MAX_TOP_K, VECTORIZE_POOL_FACTOR·k +
 * excluded) candidates (k: `order=rating`'s re-rank pool when it applies; excluded: seen,
 * `exclude` and fold-in items, which the exact re-scoring drops): an approximate index misses some
 * of the true top k, and a wider pool gives the exact re-scoring more of them to find.
 */
export const VECTORIZE_POOL_FACTOR = 4;
export { VECTORIZE_MAX_DIMENSIONS, VECTORIZE_MAX_TOP_K } from '@edgerec/core';

/**
 * ITEM_INDEX=ivf: bounds of the `nprobe` a request may set (clamped to the index's lists), and the
 * nprobe of a request without one when the artifact records no default (`edgerec index build`
 * stores the smallest nprobe that reached recall@10 0.95 on sampled training users).
 */
export const NPROBE_MIN = 1;
export const NPROBE_MAX = 4096;
export const NPROBE_DEFAULT = 32;
