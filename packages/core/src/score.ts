import { activate } from './activation.js';
import { dotF32, dotF32I8, dotI8 } from './dot-kernels.js';
import { isInt8Rows, type FactorTable } from './factor-table.js';
import type { RecommenderModel } from './recommender-model.js';
import { clipRating, unscaleRating } from './scale.js';

/**
 * Dot product of row `a` of table `ta` with row `b` of table `tb`, both `dim` wide. Either table
 * may be float32 or int8 rows (an int8 row counts as its values times the row's scale).
 */
export function dotRows(ta: FactorTable, a: number, tb: FactorTable, b: number, dim: number): number {
  if (isInt8Rows(ta)) {
    if (isInt8Rows(tb)) return dotI8(ta.values, a * dim, tb.values, b * dim, dim) * (ta.scales[a]! * tb.scales[b]!);
    return dotF32I8(tb, b * dim, ta.values, a * dim, dim) * ta.scales[a]!;
  }
  if (isInt8Rows(tb)) return dotF32I8(ta, a * dim, tb.values, b * dim, dim) * tb.scales[b]!;
  return dotF32(ta, a * dim, tb, b * dim, dim);
}

/** The pre-activation value for user index `u` and item index `i`. */
export function logit(model: RecommenderModel, u: number, i: number): number {
  return (
    model.globalBias +
    model.userBias[u]! +
    model.itemBias[i]! +
    dotRows(model.userFactors, u, model.itemFactors, i, model.dim)
  );
}

/** The model output (activation of the logit) for user index `u` and item index `i`. */
export function rawScore(model: RecommenderModel, u: number, i: number): number {
  return activate(model.activation, logit(model, u, i));
}

/** A raw model output mapped to the rating scale and clipped into it. */
export function ratingFromRaw(model: RecommenderModel, raw: number): number {
  return clipRating(model.scale, unscaleRating(model.scale, raw));
}

/** One scored (user, item) pair. */
export interface Prediction {
  /** Predicted rating in the original scale, clipped to [min, max]. */
  rating: number;
  /** The model output before unscaling. */
  raw: number;
  /** Whether `rating` reaches the threshold. */
  recommend: boolean;
}

/** Scores a pair of known indices; the one function behind offline evaluation and the edge. */
export function predict(
  model: RecommenderModel,
  u: number,
  i: number,
  threshold = model.recommendThreshold,
): Prediction {
  const raw = rawScore(model, u, i);
  const rating = ratingFromRaw(model, raw);
  return { rating, raw, recommend: rating >= threshold };
}

/**
 * Scores a pair where either index may be unknown (-1): an unknown side contributes a zero
 * vector and zero bias, so the prediction falls back to the other side's bias.
 */
export function predictWithFallback(model: RecommenderModel, u: number, i: number): number {
  let x = model.globalBias;
  if (u >= 0) x += model.userBias[u]!;
  if (i >= 0) x += model.itemBias[i]!;
  if (u >= 0 && i >= 0) x += dotRows(model.userFactors, u, model.itemFactors, i, model.dim);
  return ratingFromRaw(model, activate(model.activation, x));
}
