import { objectiveOf, type Objective, type RecommenderModel } from '@edgerec/core';

/** How an unknown user is ranked: by training popularity (version-2 artifacts that store it) or by item bias. */
export const COLD_START_RANKINGS = ['popularity', 'item-bias'] as const;
export type ColdStartRanking = (typeof COLD_START_RANKINGS)[number];

/**
 * What `POST /v1/recommendations` can fold a new user in from: `ratings` (every rating model:
 * core's foldInUser on the rating head), `interactions` (the `items` body: core's
 * foldInInteractions on an iALS ranking head), both, or nothing (an interaction head not trained
 * with iALS).
 */
export const FOLD_IN_KINDS = ['ratings', 'interactions', 'ratings+interactions', 'none'] as const;
export type FoldInKind = (typeof FOLD_IN_KINDS)[number];

/** What the served model can do, as the API reports it (`GET /v1/model`) and the routes follow it. */
export interface ModelCapabilities {
  objective: Objective;
  /** A rating model with an interaction head beside it: recommendations rank by the head. */
  rankingHead: boolean;
  coldStart: ColdStartRanking;
  foldIn: FoldInKind;
}

/** The capabilities of a model, from what its artifact stores. */
export function capabilitiesOf(model: RecommenderModel): ModelCapabilities {
  const objective = objectiveOf(model);
  const interactions = (model.ranking ?? model).foldIn !== undefined;
  const foldIn: FoldInKind =
    objective === 'interaction'
      ? interactions
        ? 'interactions'
        : 'none'
      : interactions
        ? 'ratings+interactions'
        : 'ratings';
  return {
    objective,
    rankingHead: model.ranking !== undefined,
    coldStart: model.popularity ? 'popularity' : 'item-bias',
    foldIn,
  };
}
