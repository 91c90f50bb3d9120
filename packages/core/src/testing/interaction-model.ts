import type { Activation } from '../activation.js';
import type { ArtifactMetadata } from '../artifact/write.js';
import { gramian } from '../ials/gramian.js';
import type { InteractionFoldIn } from '../ials/fold-in-params.js';
import { createIdIndex } from '../ids.js';
import { gaussian } from '../random.js';
import type { RecommenderModel } from '../recommender-model.js';
import { SCORE_SCALE } from '../scale.js';
import type { SeenItems } from '../seen-items.js';

/** What {@link randomInteractionModel} builds. */
export interface RandomInteractionModelOptions {
  users: number;
  items: number;
  dim: number;
  seed: number;
  activation?: Activation;
  /** Random user and item biases and a global bias (default: all zero, as iALS has). */
  biases?: boolean;
  seen?: SeenItems;
  popularity?: Float32Array;
  /** iALS fold-in constants: the model then folds in new users (its Gramian is computed from the item table). */
  foldIn?: Omit<InteractionFoldIn, 'gramian'>;
  /** Ids of the users and items (default u1…, i1…). */
  userIds?: string[];
  itemIds?: string[];
}

/** iALS fold-in constants for test and benchmark models (`randomInteractionModel`'s `foldIn`; the Gramian is computed). */
export const TEST_IALS_FOLD_IN: Omit<InteractionFoldIn, 'gramian'> = {
  method: 'ials',
  unobservedWeight: 0.1,
  l2: 0.05,
  regExponent: 0,
  confidence: { mode: 'linear', alpha: 2 },
};

/** An interaction model with Gaussian tables (ties between scores have probability zero). */
export function randomInteractionModel(o: RandomInteractionModelOptions): RecommenderModel {
  const normal = gaussian(o.seed);
  const table = (n: number) => Float32Array.from({ length: n }, () => normal());
  const userFactors = table(o.users * o.dim);
  const itemFactors = table(o.items * o.dim);
  return {
    objective: 'interaction',
    dim: o.dim,
    activation: o.activation ?? 'linear',
    globalBias: o.biases ? normal() : 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0,
    users: createIdIndex(o.userIds ?? Array.from({ length: o.users }, (_, u) => `u${u + 1}`)),
    items: createIdIndex(o.itemIds ?? Array.from({ length: o.items }, (_, i) => `i${i + 1}`)),
    userFactors,
    itemFactors,
    userBias: o.biases ? table(o.users) : new Float32Array(o.users),
    itemBias: o.biases ? table(o.items) : new Float32Array(o.items),
    ...(o.seen ? { seen: o.seen } : {}),
    ...(o.popularity ? { popularity: o.popularity } : {}),
    ...(o.foldIn ? { foldIn: { ...o.foldIn, gramian: gramian(itemFactors, o.items, o.dim) } } : {}),
  };
}

/** Metadata that satisfies the artifact schema, for serializing hand-made interaction models. */
export function handMadeMetadata(model: RecommenderModel): ArtifactMetadata {
  return {
    createdAt: '2024-01-01T00:00:00.000Z',
    stats: { ratings: model.seen?.items.length ?? 0, users: model.users.size, items: model.items.size },
    training: {
      data: {
        file: 'hand-made-clicks.tsv',
        sha256: '0'.repeat(64),
        format: 'generic',
        ratings: model.seen?.items.length ?? 0,
      },
      seed: 1,
      epochs: 1,
      bestEpoch: 1,
      stoppedEarly: false,
      backend: 'none',
      seconds: 0,
      hyperparameters: {},
      metrics: {},
      history: [],
    },
  };
}
