import type { IdIndex, Objective, RecommenderModel, SeenItems } from '@edgerec/core';
import type { FactorTables } from '@edgerec/core/model';
import type { SparkAlsMetadata } from '../data/spark-als/metadata.js';
import { FlagValueError } from '../options.js';
import { interactionModel } from './interaction-model.js';
import { chooseRatingScale, defaultThreshold, type GivenScale } from './rating-scale.js';
import type { KnownPairs } from './spark-als-ratings.js';

/** The objective: the metadata's implicitPrefs when it has one (a contradicting --objective is a usage error), else --objective. */
export function resolveObjective(
  metadata: SparkAlsMetadata,
  given: Objective | undefined,
): { objective: Objective; from: 'metadata' | '--objective' } {
  if (metadata.implicitPrefs !== undefined) {
    const objective: Objective = metadata.implicitPrefs ? 'interaction' : 'rating';
    if (given !== undefined && given !== objective) {
      throw new FlagValueError(
        `--objective ${given} contradicts ${metadata.file}, which says implicitPrefs ${metadata.implicitPrefs} (the ${objective} objective)`,
      );
    }
    return { objective, from: 'metadata' };
  }
  if (given === undefined) {
    throw new FlagValueError(
      `${metadata.file} does not say whether the model was trained with implicitPrefs (Spark's ALSModel does not save it): ` +
        'add --objective interaction for ALS(implicitPrefs=True), or --objective rating for explicit ratings',
    );
  }
  return { objective: given, from: '--objective' };
}

/** The ids, seen lists and popularity a served model shares with its tables. */
export interface SparkShared {
  users: IdIndex;
  items: IdIndex;
  seen?: SeenItems;
  popularity?: Float32Array;
}

/** How a rating model's scale and threshold are set. */
export interface ExplicitOptions extends GivenScale {
  threshold?: number;
}

/** The seed interactionModel samples threshold users with (fixed: an import has no training seed). */
const THRESHOLD_SEED = 42;

/** An implicit ALS model served like an iALS head: zero biases, a linear dot product, the top-10 threshold. */
export function implicitModel(
  tables: FactorTables,
  shared: SparkShared,
  threshold: number | undefined,
): RecommenderModel {
  const placed = interactionModel({ tables, globalBias: 0, activation: 'linear' }, { ...shared, seed: THRESHOLD_SEED });
  return threshold === undefined ? placed : { ...placed, recommendThreshold: threshold };
}

/**
 * An explicit ALS model as a rating model: Spark predicts ratings as the plain dot product, so the
 * scale maps ratings onto themselves (targets = ratings), on the range of the known ratings or
 * --rating-min/--rating-max.
 */
export function explicitModel(
  tables: FactorTables,
  shared: SparkShared,
  rank: number,
  pairs: KnownPairs,
  options: ExplicitOptions,
  onInfo: ((line: string) => void) | undefined,
): { model: RecommenderModel; globalMean: number } {
  const given: GivenScale = {
    ...(options.ratingMin !== undefined ? { ratingMin: options.ratingMin } : {}),
    ...(options.ratingMax !== undefined ? { ratingMax: options.ratingMax } : {}),
  };
  const choice = chooseRatingScale(pairs.values, given, options.threshold);
  for (const note of choice.notes) onInfo?.(note);
  const scale = { ...choice.scale, targetMin: choice.scale.min, targetMax: choice.scale.max };
  let sum = 0;
  for (const value of pairs.values) sum += value;
  const model: RecommenderModel = {
    objective: 'rating',
    dim: rank,
    activation: 'linear',
    globalBias: 0,
    scale,
    recommendThreshold: options.threshold ?? defaultThreshold(scale),
    ...shared,
    ...tables,
  };
  return { model, globalMean: sum / pairs.values.length };
}
