import { objectiveOf, type RecommenderModel } from '@edgerec/core';
import { ApiError } from './errors';

/** The threshold a request uses when it gives none, and where it came from. */
export interface DefaultThreshold {
  value: number;
  source: 'artifact' | 'env';
}

/**
 * The values a recommend threshold may take for a model, in the unit of its pair scores: the
 * rating scale for a rating model; for an interaction model the range of its head's output (0 to
 * 1 for a sigmoid head, whose score is a probability; any finite number for a linear iALS head).
 */
export interface ThresholdRange {
  min: number;
  max: number;
  /** What the numbers are, for messages: "the rating scale", ... */
  unit: string;
}

/** The range a threshold must fall in for `model` (see {@link ThresholdRange}). */
export function thresholdRange(model: RecommenderModel): ThresholdRange {
  if (objectiveOf(model) === 'rating') return { min: model.scale.min, max: model.scale.max, unit: 'the rating scale' };
  switch (model.activation) {
    case 'sigmoid':
      return { min: 0, max: 1, unit: "a probability: the model's scores are sigmoid outputs" };
    case 'tanh':
      return { min: -1, max: 1, unit: "the range of the model's tanh scores" };
    case 'linear':
      return { min: -Infinity, max: Infinity, unit: 'a score of this interaction model' };
  }
}

const warned = new Set<string>();

/**
 * The default recommend threshold: RECOMMEND_THRESHOLD when it is a number inside the model's
 * {@link thresholdRange}, else the artifact's. An invalid override is ignored with one console
 * warning per isolate and value, so a bad deploy setting degrades to the trained default instead
 * of failing.
 */
export function defaultThreshold(model: RecommenderModel, override: string | undefined): DefaultThreshold {
  const text = override?.trim() ?? '';
  if (text === '') return { value: model.recommendThreshold, source: 'artifact' };
  const value = Number(text);
  const range = thresholdRange(model);
  if (inRange(range, value)) return { value, source: 'env' };
  if (!warned.has(text)) {
    warned.add(text);
    console.warn(
      `edgerec: ignoring RECOMMEND_THRESHOLD=${JSON.stringify(override)}: expected ${expected(range)}; using the artifact's ${model.recommendThreshold}`,
    );
  }
  return { value: model.recommendThreshold, source: 'artifact' };
}

/** The threshold for one request: `requested` if given (400 unless inside the model's range), else the default. */
export function requestThreshold(model: RecommenderModel, requested: number | undefined, fallback: number): number {
  if (requested === undefined) return fallback;
  const range = thresholdRange(model);
  if (!inRange(range, requested)) {
    throw new ApiError(400, 'invalid_request', `threshold must be ${expected(range)}, got ${requested}`);
  }
  return requested;
}

function inRange(range: ThresholdRange, value: number): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max;
}

function expected(range: ThresholdRange): string {
  return Number.isFinite(range.min)
    ? `a number from ${range.min} to ${range.max} (${range.unit})`
    : `a finite number (${range.unit})`;
}
