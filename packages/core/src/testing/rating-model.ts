import type { Activation } from '../activation.js';
import { createIdIndex } from '../ids.js';
import { mulberry32 } from '../random.js';
import type { Float32RecommenderModel } from '../recommender-model.js';
import { minMaxScale } from '../scale.js';
import { buildSeenItems } from '../seen-items.js';

/** What {@link randomRatingModel} builds (defaults: 7 users, 11 items, dim 5, seed 1, tanh). */
export interface RandomRatingModelOptions {
  users?: number;
  items?: number;
  dim?: number;
  seed?: number;
  activation?: Activation;
}

/**
 * A random rating model (uniform tables in [-0.5, 0.5), ids u0…, item-0…) with about 30% of pairs
 * seen, on the 1–5 scale.
 */
export function randomRatingModel(options: RandomRatingModelOptions = {}): Float32RecommenderModel {
  const users = options.users ?? 7;
  const items = options.items ?? 11;
  const dim = options.dim ?? 5;
  const rand = mulberry32(options.seed ?? 1);
  const table = (n: number) => Float32Array.from({ length: n }, () => rand() - 0.5);
  const seenUsers: number[] = [];
  const seenItems: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      if (rand() < 0.3) {
        seenUsers.push(u);
        seenItems.push(i);
      }
    }
  }
  return {
    dim,
    activation: options.activation ?? 'tanh',
    globalBias: 0.1,
    scale: minMaxScale(1, 5),
    recommendThreshold: 3.5,
    users: createIdIndex(Array.from({ length: users }, (_, u) => `u${u}`)),
    items: createIdIndex(Array.from({ length: items }, (_, i) => `item-${i}`)),
    userFactors: table(users * dim),
    itemFactors: table(items * dim),
    userBias: table(users),
    itemBias: table(items),
    seen: buildSeenItems(users, seenUsers, seenItems),
  };
}
