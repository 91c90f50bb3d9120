import { mulberry32, shuffleInPlace } from '@edgerec/core';
import { UserError } from '../user-error.js';
import { checkInteger, checkNumber, iota, SYNTH_LIMITS, userDegrees } from './synth.js';
import { createZipfSampler } from './zipf-sampler.js';

/** Size and shape of a synthetic implicit-feedback set. */
export interface SynthInteractionsOptions {
  users: number;
  items: number;
  interactions: number;
  /** Taste groups: every user and every item belongs to one (default 8). */
  clusters?: number;
  /** Chance that an interaction is with an item of the user's own group (default 0.7). */
  affinity?: number;
  /** Zipf exponent of item popularity, within a group and overall (default 1; 0 = uniform). */
  popularity?: number;
  /** Give each pair a count weight (1 + geometric, heavier inside the user's group) instead of 1. */
  weights?: boolean;
  seed?: number;
}

/** Interactions in columnar form, with the planted groups. */
export interface SynthInteractions {
  users: Uint32Array;
  items: Uint32Array;
  weights: Float32Array;
  userIds: string[];
  itemIds: string[];
  /** The planted group of each user and item: the ground truth a model should recover. */
  userCluster: Uint32Array;
  itemCluster: Uint32Array;
  /** Share of the pairs inside the user's own group (affinity, plus chance picks, minus repeats redrawn). */
  inGroupShare: number;
}

const MAX_CLUSTERS = 4096;
/** Mean extra count of an in-group (and an out-of-group) pair when weights are on. */
const IN_GROUP_EXTRA = 3;
const OUT_GROUP_EXTRA = 0.5;

/**
 * Generates distinct (user, item) interactions with planted taste groups: each user draws their
 * items from their own group with chance `affinity` (Zipf popularity inside the group) and from
 * the whole catalogue otherwise (Zipf popularity overall). User activity is skewed as for
 * synthetic ratings. Deterministic for a seed. A model that recovers the groups ranks a user's
 * held-out items far above a popularity list, which only knows the overall Zipf law.
 */
export function generateInteractions(options: SynthInteractionsOptions): SynthInteractions {
  const o = { clusters: 8, affinity: 0.7, popularity: 1, weights: false, seed: 42, ...options };
  checkInteger('--users', o.users, 1, SYNTH_LIMITS.users);
  checkInteger('--items', o.items, 1, SYNTH_LIMITS.items);
  checkInteger('--interactions', o.interactions, 1, SYNTH_LIMITS.ratings);
  // The CLI's --rank is the number of taste groups here.
  checkInteger('--rank', o.clusters, 1, Math.min(MAX_CLUSTERS, o.items));
  checkInteger('--seed', o.seed, 0, 2 ** 32 - 1);
  checkNumber('--affinity', o.affinity, 0, 1);
  checkNumber('--popularity', o.popularity, 0, 5);
  if (o.interactions > o.users * o.items) {
    throw new UserError(
      `--interactions must be at most --users × --items = ${o.users * o.items}, got ${o.interactions}`,
    );
  }
  const seeds = mulberry32(o.seed);
  const nextSeed = () => Math.floor(seeds() * 4294967296);
  const random = mulberry32(nextSeed());
  const userCluster = Uint32Array.from({ length: o.users }, () => Math.floor(random() * o.clusters));
  const itemCluster = Uint32Array.from({ length: o.items }, () => Math.floor(random() * o.clusters));
  const members = Array.from({ length: o.clusters }, () => [] as number[]);
  for (let i = 0; i < o.items; i++) members[itemCluster[i]!]!.push(i);
  // Every group ranks its items in a seeded order; the whole catalogue has an order of its own.
  const groupOrder = members.map((list) => shuffleInPlace(Uint32Array.from(list), random));
  const groupDraw = groupOrder.map((list) => createZipfSampler(Math.max(1, list.length), o.popularity, random));
  const overallOrder = shuffleInPlace(iota(o.items), random);
  const overallDraw = createZipfSampler(o.items, o.popularity, random);
  const degree = userDegrees(
    { users: o.users, items: o.items, ratings: o.interactions, popularity: o.popularity },
    nextSeed(),
  );

  const users = new Uint32Array(o.interactions);
  const items = new Uint32Array(o.interactions);
  const weights = new Float32Array(o.interactions).fill(1);
  const takenBy = new Int32Array(o.items).fill(-1);
  let row = 0;
  for (let user = 0; user < o.users; user++) {
    const group = userCluster[user]!;
    const own = groupOrder[group]!;
    let need = degree[user]!;
    for (let attempts = 8 * need + 64; need > 0 && attempts > 0; attempts--) {
      const inGroup = own.length > 0 && random() < o.affinity;
      const item = inGroup ? own[groupDraw[group]!()]! : overallOrder[overallDraw()]!;
      if (takenBy[item] === user) continue;
      takenBy[item] = user;
      users[row] = user;
      items[row] = item;
      if (o.weights)
        weights[row] = 1 + geometric(random, itemCluster[item] === group ? IN_GROUP_EXTRA : OUT_GROUP_EXTRA);
      row++;
      need--;
    }
    // A user who wants most of the catalogue takes the rest in order from a random start.
    for (let item = Math.floor(random() * o.items); need > 0; item = (item + 1) % o.items) {
      if (takenBy[item] === user) continue;
      takenBy[item] = user;
      users[row] = user;
      items[row] = item;
      row++;
      need--;
    }
  }
  let inGroup = 0;
  for (let r = 0; r < row; r++) if (itemCluster[items[r]!] === userCluster[users[r]!]) inGroup++;
  return {
    users,
    items,
    weights,
    inGroupShare: row > 0 ? inGroup / row : 0,
    userIds: Array.from({ length: o.users }, (_, u) => `u${u + 1}`),
    itemIds: Array.from({ length: o.items }, (_, i) => `i${i + 1}`),
    userCluster,
    itemCluster,
  };
}

/** A geometric count ≥ 0 with the given mean. */
function geometric(random: () => number, mean: number): number {
  const p = 1 / (1 + mean);
  return Math.floor(Math.log(1 - random()) / Math.log(1 - p));
}
