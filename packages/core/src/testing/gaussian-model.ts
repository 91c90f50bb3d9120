import type { Activation } from '../activation.js';
import { createIdIndex } from '../ids.js';
import { gaussian, mulberry32 } from '../random.js';
import type { Float32RecommenderModel } from '../recommender-model.js';
import { minMaxScale } from '../scale.js';
import { buildSeenItems, type SeenItems } from '../seen-items.js';

/** The shape of a {@link gaussianRatingModel}. */
export interface GaussianModelShape {
  users: number;
  items: number;
  dim?: number;
  /** Random (user, item) pairs marked seen (default 0: no seen lists). */
  seenPairs?: number;
  seed?: number;
  activation?: Activation;
}

/**
 * A random rating model of any size for benchmarks and load tests: gaussian factors (sd 0.1) and
 * biases (sd 0.05), ids u0… and i0…, optionally `seenPairs` random seen pairs; threshold 4 on 1–5.
 */
export function gaussianRatingModel({
  users,
  items,
  dim = 32,
  seenPairs = 0,
  seed = 1,
  activation = 'linear',
}: GaussianModelShape): Float32RecommenderModel {
  const normal = gaussian(seed);
  const uniform = mulberry32(seed + 1);
  const table = (n: number, sd: number) => {
    const t = new Float32Array(n);
    for (let i = 0; i < n; i++) t[i] = normal() * sd;
    return t;
  };
  let seen: SeenItems | undefined;
  if (seenPairs > 0) {
    const su = new Uint32Array(seenPairs);
    const si = new Uint32Array(seenPairs);
    for (let r = 0; r < seenPairs; r++) {
      su[r] = Math.floor(uniform() * users);
      si[r] = Math.floor(uniform() * items);
    }
    seen = buildSeenItems(users, su, si);
  }
  return {
    dim,
    activation,
    globalBias: 0.6,
    scale: minMaxScale(1, 5),
    recommendThreshold: 4,
    users: createIdIndex(Array.from({ length: users }, (_, u) => `u${u}`)),
    items: createIdIndex(Array.from({ length: items }, (_, i) => `i${i}`)),
    userFactors: table(users * dim, 0.1),
    itemFactors: table(items * dim, 0.1),
    userBias: table(users, 0.05),
    itemBias: table(items, 0.05),
    ...(seen ? { seen } : {}),
  };
}
