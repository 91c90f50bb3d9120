import type { RecommenderModel } from '@edgerec/core';
import { ApiError } from './errors';

/** The threshold a request uses when it gives none, and where it came from. */
export interface DefaultThreshold {
  value: number;
  source: 'artifact' | 'env';
}

const warned = new Set<string>();

/**
 * The default recommend threshold: RECOMMEND_THRESHOLD when it is a number inside the model's
 * rating scale, else the artifact's. An invalid override is ignored with one console warning per
 * isolate and value, so a bad deploy setting degrades to the trained default instead of failing.
 */
export function defaultThreshold(model: RecommenderModel, override: string | undefined): DefaultThreshold {
  const text = override?.trim() ?? '';
  if (text === '') return { value: model.recommendThreshold, source: 'artifact' };
  const value = Number(text);
  if (inScale(model, value)) return { value, source: 'env' };
  if (!warned.has(text)) {
    warned.add(text);
    console.warn(
      `edgerec: ignoring RECOMMEND_THRESHOLD=${JSON.stringify(override)}: expected a number from ${model.scale.min} to ${model.scale.max}; using the artifact's ${model.recommendThreshold}`,
    );
  }
  return { value: model.recommendThreshold, source: 'artifact' };
}

/** The threshold for one request: `requested` if given (400 unless inside the scale), else the default. */
export function requestThreshold(model: RecommenderModel, requested: number | undefined, fallback: number): number {
  if (requested === undefined) return fallback;
  if (!inScale(model, requested)) {
    throw new ApiError(
      400,
      'invalid_request',
      `threshold must be a number from ${model.scale.min} to ${model.scale.max} (the rating scale), got ${requested}`,
    );
  }
  return requested;
}

function inScale(model: RecommenderModel, value: number): boolean {
  return Number.isFinite(value) && value >= model.scale.min && value <= model.scale.max;
}
