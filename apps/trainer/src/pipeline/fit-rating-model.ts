import { buildSeenItems, itemPopularity, scaleRating, type RecommenderModel } from '@edgerec/core';
import { loadBackend, trainRecommender, type TrainResult } from '@edgerec/core/model';
import { concatIndices, definedOnly } from './arrays.js';
import {
  fitInteractionHead,
  interactionDefaults,
  type InteractionHead,
  type InteractionRecipe,
} from './interaction-head.js';
import { interactionModel } from './interaction-model.js';
import type { Hyperparameters } from './rating-hyperparameters.js';
import type { PreparedRows } from './rating-rows.js';
import { featureMemberships, type RatingSideFeatures } from './rating-side-features.js';
import { defaultThreshold } from './rating-scale.js';
import type { TrainModelOptions } from './train-model.js';

/** The fitted rating head and the backend it ran on. */
export interface RatingFit {
  backend: string;
  result: TrainResult;
}

/** The served rating model, its early-stopped twin (for honest validation figures) and the item popularity. */
export interface AssembledRatingModel {
  /** The rating head with the served tables (refit ones after a refit). */
  ratingModel: RecommenderModel;
  /** The same model with the early-stopped tables, which never saw the validation rows. */
  earlyStopped: RecommenderModel;
  popularity: Float32Array;
}

/** The ranking head fitted beside the rating head. */
export interface RankingHead {
  fit: InteractionHead;
  recipe: InteractionRecipe;
  model: RecommenderModel;
}

/** Stage "train": loads the backend and fits the rating head with early stopping (and refit). */
export async function fitRatingHead(
  rows: PreparedRows,
  recipe: Hyperparameters,
  side: RatingSideFeatures,
  options: TrainModelOptions,
): Promise<RatingFit> {
  const hooks = options.hooks ?? {};
  const { trainTable, users, items, scale, validationRows, testRows, earlyStopping } = rows;
  // The fused engine (the default) runs its kernel on wasm or cpu; tfjs-node only serves --engine autodiff.
  const backend = await loadBackend(options.backend ?? 'auto', { native: recipe.engine === 'autodiff' });
  for (const notice of backend.notices) hooks.onInfo?.(`notice: ${notice}`);
  hooks.onInfo?.(`backend: ${backend.name}`);
  hooks.onInfo?.(
    `training on ${trainTable.ratings.length} ratings (${users.size} users, ${items.size} items), ` +
      `validating on ${validationRows.ratings.length}${testRows ? `, testing on ${testRows.ratings.length}` : ''}`,
  );
  const unitsPerTarget = (scale.max - scale.min) / (scale.targetMax - scale.targetMin);
  const result = await trainRecommender(
    backend.tf,
    { users: users.size, items: items.size },
    {
      users: Int32Array.from(trainTable.users),
      items: Int32Array.from(trainTable.items),
      targets: trainTable.ratings.map((r) => scaleRating(scale, r)),
    },
    earlyStopping,
    { ...recipe, ratingUnitsPerTarget: Math.abs(unitsPerTarget) },
    hooks,
    featureMemberships(side),
  );
  return { backend: backend.name, result };
}

/** Stage "assemble": the rating model over the fitted tables, with seen lists from the rows its tables saw. */
export function assembleRatingModel(
  rows: PreparedRows,
  recipe: Hyperparameters,
  fit: TrainResult,
  threshold: number | undefined,
): AssembledRatingModel {
  const { trainTable, users, items, scale, earlyStopping, trainSeen } = rows;
  const ratingModel: RecommenderModel = {
    dim: recipe.dim,
    activation: recipe.activation,
    globalBias: fit.globalBias,
    scale,
    recommendThreshold: threshold ?? defaultThreshold(scale),
    users,
    items,
    ...fit.tables,
    // A refit trains on the validation rows too, so they count as seen.
    seen:
      fit.refitEpochs > 0
        ? buildSeenItems(
            users.size,
            concatIndices(trainTable.users, earlyStopping.users),
            concatIndices(trainTable.items, earlyStopping.items),
          )
        : trainSeen,
  };
  return {
    ratingModel,
    earlyStopped: { ...ratingModel, ...fit.validationTables },
    popularity: itemPopularity(items.size, ratingModel.seen!),
  };
}

/** Rows the served tables were fitted on: the training rows, plus the known validation rows after a refit. */
export function rowsFittedOn(rows: PreparedRows, fit: TrainResult): number {
  return rows.trainTable.ratings.length + (fit.refitEpochs > 0 ? rows.earlyStopping.targets.length : 0);
}

/** Stage "ranking head": fits the interaction head on the training ratings read as interactions (validated on the validation rows). */
export async function fitRankingHead(
  rows: PreparedRows,
  rating: AssembledRatingModel,
  recipe: Hyperparameters,
  options: TrainModelOptions,
): Promise<RankingHead> {
  const hooks = options.hooks ?? {};
  const { trainTable, users, items, earlyStopping, trainSeen } = rows;
  const given = options.ranking || {};
  const headRecipe = {
    ...interactionDefaults(given.method ?? 'ials'),
    seed: recipe.seed,
    refit: recipe.refit,
    ...definedOnly(given),
  };
  hooks.onInfo?.(`ranking head: ${headRecipe.method}, dim ${headRecipe.dim}`);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const fit = await fitInteractionHead(
    { users: users.size, items: items.size },
    {
      users: Int32Array.from(trainTable.users),
      items: Int32Array.from(trainTable.items),
      weights: ones(trainTable.users.length),
    },
    { users: earlyStopping.users, items: earlyStopping.items, weights: ones(earlyStopping.users.length) },
    headRecipe,
    {
      backend: options.backend ?? 'auto',
      trainSeen,
      hooks: {
        ...(hooks.onInfo ? { onInfo: hooks.onInfo } : {}),
        ...(hooks.onRankingEpoch ? { onEpoch: hooks.onRankingEpoch } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
    },
  );
  const model = interactionModel(fit, {
    users,
    items,
    seen: rating.ratingModel.seen!,
    popularity: rating.popularity,
    seed: headRecipe.seed,
  });
  return { fit, recipe: headRecipe, model };
}
