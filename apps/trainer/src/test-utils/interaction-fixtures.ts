import {
  createIdIndex,
  gaussian,
  mulberry32,
  SCORE_SCALE,
  type Activation,
  type ArtifactMetadata,
  type RecommenderModel,
  type SeenItems,
} from '@edgerec/core';
import { generateInteractions, type SynthInteractionsOptions } from '../data/synth-interactions.js';
import type { RatingsTable } from '../data/ratings-table.js';
import { writeRatingsFile } from '../data/write-ratings.js';

/** The planted data most interaction tests learn from: 600 users × 400 items, 30K pairs, 8 taste groups. */
export const PLANTED = { users: 600, items: 400, interactions: 30_000, clusters: 8, seed: 5 } as const satisfies SynthInteractionsOptions;

/** Writes interactions as a `user<TAB>item<TAB>weight` file under a header and returns the path. */
export async function writeInteractions(path: string, data: Omit<RatingsTable, 'ratings'> & { weights: Float32Array }): Promise<string> {
  await writeRatingsFile(path, { ...data, ratings: data.weights }, { valueName: 'weight' });
  return path;
}

/**
 * Ratings whose pairs carry planted taste (the pairs of generateInteractions), rated 4–5 inside
 * the user's group and 1–3 outside it, so an interaction head has something to find that a
 * popularity list does not (synthetic ratings from generateSynthetic place pairs by popularity only).
 */
export function plantedRatings(options: SynthInteractionsOptions): RatingsTable {
  const data = generateInteractions(options);
  const random = mulberry32((options.seed ?? 42) + 1);
  const ratings = Float32Array.from(data.users, (u, r) =>
    data.userCluster[u] === data.itemCluster[data.items[r]!] ? 4 + Math.floor(random() * 2) : 1 + Math.floor(random() * 3),
  );
  return { users: data.users, items: data.items, ratings, userIds: data.userIds, itemIds: data.itemIds };
}

/** What {@link randomModel} builds. */
export interface RandomModelOptions {
  users: number;
  items: number;
  dim: number;
  seed: number;
  activation?: Activation;
  /** Random user and item biases and a global bias (default: all zero, as iALS has). */
  biases?: boolean;
  seen?: SeenItems;
  popularity?: Float32Array;
  /** Ids of the users and items (default u1…, i1…). */
  userIds?: string[];
  itemIds?: string[];
}

/** An interaction model with Gaussian tables (ties between scores have probability zero). */
export function randomModel(o: RandomModelOptions): RecommenderModel {
  const normal = gaussian(o.seed);
  const table = (n: number) => Float32Array.from({ length: n }, () => normal());
  return {
    objective: 'interaction',
    dim: o.dim,
    activation: o.activation ?? 'linear',
    globalBias: o.biases ? normal() : 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0,
    users: createIdIndex(o.userIds ?? Array.from({ length: o.users }, (_, u) => `u${u + 1}`)),
    items: createIdIndex(o.itemIds ?? Array.from({ length: o.items }, (_, i) => `i${i + 1}`)),
    userFactors: table(o.users * o.dim),
    itemFactors: table(o.items * o.dim),
    userBias: o.biases ? table(o.users) : new Float32Array(o.users),
    itemBias: o.biases ? table(o.items) : new Float32Array(o.items),
    ...(o.seen ? { seen: o.seen } : {}),
    ...(o.popularity ? { popularity: o.popularity } : {}),
  };
}

/** Metadata that satisfies the artifact schema, for serializing hand-made interaction models. */
export function handMadeMetadata(model: RecommenderModel): ArtifactMetadata {
  return {
    createdAt: '2024-01-01T00:00:00.000Z',
    stats: { ratings: model.seen?.items.length ?? 0, users: model.users.size, items: model.items.size },
    training: {
      data: { file: 'hand-made-clicks.tsv', sha256: '0'.repeat(64), format: 'generic', ratings: model.seen?.items.length ?? 0 },
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
