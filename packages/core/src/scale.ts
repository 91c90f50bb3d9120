/**
 * A linear map between ratings and model targets: rating `min` maps to `targetMin`, rating
 * `max` to `targetMax`. Min-max scaling to [0, 1] is `{ targetMin: 0, targetMax: 1 }`; an
 * unscaled (plain regression) model uses `targetMin = min, targetMax = max`.
 */
export interface RatingScale {
  readonly min: number;
  readonly max: number;
  readonly targetMin: number;
  readonly targetMax: number;
}

/** The seed's scaling: ratings min..max onto [0, 1]. */
export function minMaxScale(min: number, max: number): RatingScale {
  return { min, max, targetMin: 0, targetMax: 1 };
}

/** Maps a rating to the model's target space. */
export function scaleRating(scale: RatingScale, rating: number): number {
  const { min, max, targetMin, targetMax } = scale;
  return targetMin + ((rating - min) / (max - min)) * (targetMax - targetMin);
}

/** Maps a model output back to the rating scale (not clipped). */
export function unscaleRating(scale: RatingScale, target: number): number {
  const { min, max, targetMin, targetMax } = scale;
  return min + ((target - targetMin) / (targetMax - targetMin)) * (max - min);
}

/** Clamps a rating into [min, max]. */
export function clipRating(scale: RatingScale, rating: number): number {
  return rating < scale.min ? scale.min : Math.min(rating, scale.max);
}

/** Throws unless the scale is usable: finite values, min < max, targetMin != targetMax. */
export function assertValidScale(scale: RatingScale): void {
  const values = [scale.min, scale.max, scale.targetMin, scale.targetMax];
  if (!values.every(Number.isFinite)) throw new Error('rating scale values must be finite numbers');
  if (!(scale.min < scale.max)) {
    throw new Error(`rating scale needs min < max (got min ${scale.min}, max ${scale.max})`);
  }
  if (scale.targetMin === scale.targetMax) throw new Error('rating scale target range is empty');
}

/**
 * The scale of an interaction head: outputs are scores, not ratings, so the map is the identity
 * on [0, 1]. Nothing user-facing turns an interaction score into a "rating".
 */
export const SCORE_SCALE: RatingScale = Object.freeze({ min: 0, max: 1, targetMin: 0, targetMax: 1 });
