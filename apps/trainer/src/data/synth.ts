import { UserError } from '../user-error.js';
import { gaussian, mulberry32, shuffleInPlace } from '@edgerec/core';
import type { RatingsTable } from './ratings-table.js';
import { createZipfSampler } from './zipf-sampler.js';

/** Size and shape of a synthetic ratings set. */
export interface SynthOptions {
  users: number;
  items: number;
  ratings: number;
  /** Rank of the planted factors (default 8). */
  rank?: number;
  /** Std of the Gaussian noise added on the 1–5 scale before rounding (default 0.5). */
  noise?: number;
  /** Zipf exponent of item popularity (default 1.0; 0 = uniform). Users get half this skew. */
  popularity?: number;
  /**
   * How much users choose what they rate by taste (default 0: pairs follow popularity alone).
   * With β > 0 a popularity draw is kept with probability σ(β · z), z the standardized planted
   * affinity p_u·q_i, so users rate more of the items they would like, as on real sites.
   */
  selection?: number;
  /** Random seed (default 42). */
  seed?: number;
}

/** The planted model behind a synthetic set (factors row-major: `userFactors[u * rank + k]`). */
export interface SynthTruth {
  userFactors: Float32Array;
  itemFactors: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  globalMean: number;
  rank: number;
  /** RMSE of the noiseless expected rating vs the generated integer ratings: the floor a perfect model reaches. */
  noiseFloorRmse: number;
  /** RMSE of predicting the global mean: the baseline a model must beat. */
  globalMeanRmse: number;
}

const GLOBAL_MEAN = 3.5;
/** Std of the user and of the item biases. */
const BIAS_STD = 0.35;
/** Std of dot(p_u, q_i); with the biases the structured part has std ≈ 0.86 rating units. */
const INTERACTION_STD = 0.7;
/** User activity skew as a fraction of the item popularity exponent. */
const USER_SKEW = 0.5;
const MIN_RATING = 1;
const MAX_RATING = 5;
/** Bounds that keep every count exact in float64 (items × ratings < 2^53) and indices in Uint32 (the synth flags' ranges). */
export const SYNTH_LIMITS = { users: 100_000_000, items: 16_000_000, ratings: 500_000_000, rank: 1024 } as const;
const { users: MAX_USERS, items: MAX_ITEMS, ratings: MAX_RATINGS, rank: MAX_RANK } = SYNTH_LIMITS;

/**
 * Generates integer 1–5 ratings from planted biases and rank-`rank` factors plus Gaussian noise.
 * Pairs are unique; with ratings ≥ max(users, items) every user and every item has a rating.
 * Item popularity follows a Zipf law over a seeded ranking of the items, user activity a milder one.
 * Rows come grouped by user. Deterministic for a given seed.
 */
export function generateSynthetic(options: SynthOptions): { table: RatingsTable; truth: SynthTruth } {
  const o = checkSynthOptions(options);
  const seeds = mulberry32(o.seed);
  const nextSeed = () => Math.floor(seeds() * 4294967296);
  const factors = plantFactors(o, nextSeed(), nextSeed());
  const degree = userDegrees(o, nextSeed());
  const pairs = drawPairs(o, degree, nextSeed(), factors);
  const rated = rate(o, pairs.users, pairs.items, factors, nextSeed());
  const table: RatingsTable = {
    users: pairs.users,
    items: pairs.items,
    ratings: rated.ratings,
    userIds: Array.from({ length: o.users }, (_, u) => `u${u + 1}`),
    itemIds: Array.from({ length: o.items }, (_, i) => `i${i + 1}`),
  };
  return {
    table,
    truth: {
      ...factors,
      globalMean: GLOBAL_MEAN,
      rank: o.rank,
      noiseFloorRmse: rated.noiseFloorRmse,
      globalMeanRmse: rated.globalMeanRmse,
    },
  };
}

/** Fills in defaults and rejects options that are not sensible, naming the command-line flag. */
function checkSynthOptions(options: SynthOptions): Required<SynthOptions> {
  const o: Required<SynthOptions> = { rank: 8, noise: 0.5, popularity: 1, seed: 42, selection: 0, ...options };
  checkInteger('--users', o.users, 1, MAX_USERS);
  checkInteger('--items', o.items, 1, MAX_ITEMS);
  checkInteger('--ratings', o.ratings, 1, MAX_RATINGS);
  checkInteger('--rank', o.rank, 1, MAX_RANK);
  checkInteger('--seed', o.seed, 0, 2 ** 32 - 1);
  checkNumber('--noise', o.noise, 0, 10);
  checkNumber('--popularity', o.popularity, 0, 5);
  checkNumber('--selection', o.selection, 0, 10);
  if (o.ratings > o.users * o.items) {
    throw new UserError(
      `--ratings must be at most --users × --items = ${o.users * o.items} (each pair is rated once), got ${o.ratings}`,
    );
  }
  return o;
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(flag: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`${flag} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Throws unless `value` is a finite number in [min, max]. */
export function checkNumber(flag: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UserError(`${flag} must be a number from ${min} to ${max}, got ${value}`);
  }
}

/** The planted biases and factors, scaled so dot(p_u, q_i) has std INTERACTION_STD. */
function plantFactors(o: Required<SynthOptions>, factorSeed: number, biasSeed: number) {
  const factorStd = Math.sqrt(INTERACTION_STD / Math.sqrt(o.rank));
  const normal = gaussian(factorSeed);
  const userFactors = new Float32Array(o.users * o.rank).map(() => normal() * factorStd);
  const itemFactors = new Float32Array(o.items * o.rank).map(() => normal() * factorStd);
  const biasNormal = gaussian(biasSeed);
  const userBias = new Float32Array(o.users).map(() => biasNormal() * BIAS_STD);
  const itemBias = new Float32Array(o.items).map(() => biasNormal() * BIAS_STD);
  return { userFactors, itemFactors, userBias, itemBias };
}

/** Ratings per user: one each (when there are enough), the rest drawn by skewed activity, capped at `items`. */
export function userDegrees(
  o: Pick<Required<SynthOptions>, 'users' | 'items' | 'ratings' | 'popularity'>,
  seed: number,
): Uint32Array {
  const random = mulberry32(seed);
  const userByRank = shuffleInPlace(iota(o.users), random);
  const drawRank = createZipfSampler(o.users, o.popularity * USER_SKEW, random);
  const degree = new Uint32Array(o.users);
  let remaining = o.ratings;
  if (o.ratings >= o.users) {
    degree.fill(1);
    remaining -= o.users;
  }
  for (; remaining > 0; remaining--) {
    let user = userByRank[drawRank()]!;
    // A user who has rated every item passes the rating on to the next user with room.
    while (degree[user]! >= o.items) user = (user + 1) % o.users;
    degree[user]!++;
  }
  return degree;
}

/**
 * Picks each user's distinct items. First every item is placed once (a seeded order of the
 * items, spread over users in proportion to their number of ratings), then the rest are drawn
 * by Zipf popularity, rejecting items the user already has; a user who rates most of the
 * catalogue falls back to taking unrated items in order from a random start.
 */
function drawPairs(
  o: Required<SynthOptions>,
  degree: Uint32Array,
  seed: number,
  factors: ReturnType<typeof plantFactors>,
) {
  const random = mulberry32(seed);
  const itemByRank = shuffleInPlace(iota(o.items), random);
  const placeOrder = shuffleInPlace(iota(o.items), random);
  const drawRank = createZipfSampler(o.items, o.popularity, random);
  const users = new Uint32Array(o.ratings);
  const items = new Uint32Array(o.ratings);
  const ratedBy = new Int32Array(o.items).fill(-1);
  const toPlace = Math.min(o.items, o.ratings);
  let placed = 0;
  let ratingsBefore = 0;
  let row = 0;
  const add = (user: number, item: number) => {
    ratedBy[item] = user;
    users[row] = user;
    items[row] = item;
    row++;
  };
  for (let user = 0; user < o.users; user++) {
    const count = degree[user]!;
    ratingsBefore += count;
    // Exact in float64 because items × ratings < 2^53.
    const placeNow = Math.floor((toPlace * ratingsBefore) / o.ratings) - placed;
    for (let k = 0; k < placeNow; k++) add(user, placeOrder[placed + k]!);
    placed += placeNow;
    let need = count - placeNow;
    for (let attempts = 8 * need + 64; need > 0 && attempts > 0; attempts--) {
      const item = itemByRank[drawRank()]!;
      if (ratedBy[item] === user) continue;
      if (o.selection > 0 && !chosenByTaste(o, factors, user, item, random)) continue;
      add(user, item);
      need--;
    }
    for (let item = Math.floor(random() * o.items); need > 0; item = (item + 1) % o.items) {
      if (ratedBy[item] === user) continue;
      add(user, item);
      need--;
    }
  }
  return { users, items };
}

/** Keeps a drawn (user, item) pair with probability σ(selection · p_u·q_i / INTERACTION_STD). */
function chosenByTaste(
  o: Required<SynthOptions>,
  f: ReturnType<typeof plantFactors>,
  user: number,
  item: number,
  random: () => number,
): boolean {
  let dot = 0;
  for (let d = 0; d < o.rank; d++) dot += f.userFactors[user * o.rank + d]! * f.itemFactors[item * o.rank + d]!;
  return random() < 1 / (1 + Math.exp((-o.selection * dot) / INTERACTION_STD));
}

/** Integer ratings round(clip(latent + noise)), with the RMSE of the noiseless latent and of the mean. */
function rate(
  o: Required<SynthOptions>,
  users: Uint32Array,
  items: Uint32Array,
  f: ReturnType<typeof plantFactors>,
  seed: number,
) {
  const normal = gaussian(seed);
  const k = o.rank;
  const ratings = new Float32Array(users.length);
  let floorSq = 0;
  let sum = 0;
  let sumSq = 0;
  for (let r = 0; r < users.length; r++) {
    const u = users[r]!;
    const i = items[r]!;
    let dot = 0;
    for (let d = 0; d < k; d++) dot += f.userFactors[u * k + d]! * f.itemFactors[i * k + d]!;
    const expected = GLOBAL_MEAN + f.userBias[u]! + f.itemBias[i]! + dot;
    const rating = clip(Math.round(expected + o.noise * normal()));
    ratings[r] = rating;
    floorSq += (rating - clip(expected)) ** 2;
    sum += rating;
    sumSq += rating * rating;
  }
  const n = users.length;
  const mean = sum / n;
  return {
    ratings,
    noiseFloorRmse: Math.sqrt(floorSq / n),
    globalMeanRmse: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
  };
}

/** Clips to the 1–5 rating scale. */
function clip(x: number): number {
  return x < MIN_RATING ? MIN_RATING : Math.min(x, MAX_RATING);
}

/** 0, 1, …, n-1. */
export function iota(n: number): Uint32Array {
  const values = new Uint32Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  return values;
}
