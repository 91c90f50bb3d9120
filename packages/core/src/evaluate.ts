import { mae, rmse } from './metrics.js';
import type { RecommenderModel } from './recommender-model.js';
import { predictWithFallback } from './score.js';

/** Ratings to evaluate, as model indices (-1 for an id the model does not know). */
export interface IndexedRatings {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratings: Float32Array;
}

/** Rating-prediction accuracy on a set of rows. */
export interface RatingAccuracy {
  rmse: number;
  mae: number;
  count: number;
  /** Rows with an unknown user or item, scored by the bias fallback. */
  coldStart: number;
}

/** Predicts every row with the serving scorer and measures RMSE and MAE in rating units. */
export function evaluateRatings(model: RecommenderModel, rows: IndexedRatings): RatingAccuracy {
  return measureAccuracy(
    rows,
    (u, i) => predictWithFallback(model, u, i),
    (u, i) => u < 0 || i < 0,
  );
}

/**
 * RMSE and MAE of any predictor on rows: `predict(u, i)` gives a rating, `isColdStart(u, i)` says
 * whether the row's user or item is unknown to it (counted in `coldStart`).
 */
export function measureAccuracy(
  rows: IndexedRatings,
  predict: (u: number, i: number) => number,
  isColdStart: (u: number, i: number) => boolean,
): RatingAccuracy {
  const n = rows.ratings.length;
  const predicted = new Float64Array(n);
  let coldStart = 0;
  for (let r = 0; r < n; r++) {
    const u = rows.users[r]!;
    const i = rows.items[r]!;
    if (isColdStart(u, i)) coldStart++;
    predicted[r] = predict(u, i);
  }
  return { rmse: rmse(predicted, rows.ratings), mae: mae(predicted, rows.ratings), count: n, coldStart };
}
