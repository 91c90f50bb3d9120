import { createIdIndex } from '../ids.js';
import { gaussian } from '../random.js';
import type { RecommenderModel } from '../recommender-model.js';
import { SCORE_SCALE } from '../scale.js';

/** What {@link clusteredInteractionModel} builds. */
export interface ClusteredModelOptions {
  users: number;
  items: number;
  dim: number;
  /** Planted clusters (topics) the items are drawn around. */
  clusters: number;
  seed: number;
  /** Spread of an item (and a user) around its cluster centre, relative to the centres' (default 0.35). */
  spread?: number;
}

/**
 * An interaction model with planted structure, as matrix factorisation tends to learn it: items
 * scattered around `clusters` Gaussian centres with log-normal lengths (popular items have longer
 * vectors) and small biases; each user near a mix of two centres. For IVF tests and benchmarks.
 */
export function clusteredInteractionModel(o: ClusteredModelOptions): RecommenderModel {
  const normal = gaussian(o.seed);
  const spread = o.spread ?? 0.35;
  const { dim } = o;
  const centres = Float32Array.from({ length: o.clusters * dim }, () => normal() / Math.sqrt(dim));
  const itemFactors = new Float32Array(o.items * dim);
  const itemBias = new Float32Array(o.items);
  for (let i = 0; i < o.items; i++) {
    const c = Math.floor(Math.abs(normal() * 0.5 + 0.5) * 7919 * (i + 1)) % o.clusters;
    const length = Math.exp(0.25 * normal());
    for (let k = 0; k < dim; k++) {
      itemFactors[i * dim + k] = length * (centres[c * dim + k]! + (spread * normal()) / Math.sqrt(dim));
    }
    itemBias[i] = 0.1 * normal();
  }
  const userFactors = new Float32Array(o.users * dim);
  for (let u = 0; u < o.users; u++) {
    const a = (u * 31 + 7) % o.clusters;
    const b = (u * 17 + 3) % o.clusters;
    const w = 0.5 + 0.5 * Math.abs(normal()) ** 0.5 * 0.5;
    for (let k = 0; k < dim; k++) {
      const mixed = w * centres[a * dim + k]! + (1 - w) * centres[b * dim + k]!;
      userFactors[u * dim + k] = 3 * (mixed + (spread * normal()) / Math.sqrt(dim));
    }
  }
  return {
    objective: 'interaction',
    dim,
    activation: 'linear',
    globalBias: 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0,
    users: createIdIndex(Array.from({ length: o.users }, (_, u) => `u${u + 1}`)),
    items: createIdIndex(Array.from({ length: o.items }, (_, i) => `i${i + 1}`)),
    userFactors,
    itemFactors,
    userBias: new Float32Array(o.users),
    itemBias,
  };
}
