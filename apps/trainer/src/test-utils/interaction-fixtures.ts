import { mulberry32 } from '@edgerec/core';
import { generateInteractions, type SynthInteractionsOptions } from '../data/synth-interactions.js';
import type { RatingsTable } from '../data/ratings-table.js';
import { writeRatingsFile } from '../data/write-ratings.js';

/** The planted data most interaction tests learn from: 600 users × 400 items, 30K pairs, 8 taste groups. */
export const PLANTED = {
  users: 600,
  items: 400,
  interactions: 30_000,
  clusters: 8,
  seed: 5,
} as const satisfies SynthInteractionsOptions;

/** Writes interactions as a `user<TAB>item<TAB>weight` file under a header and returns the path. */
export async function writeInteractions(
  path: string,
  data: Omit<RatingsTable, 'ratings'> & { weights: Float32Array },
): Promise<string> {
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
    data.userCluster[u] === data.itemCluster[data.items[r]!]
      ? 4 + Math.floor(random() * 2)
      : 1 + Math.floor(random() * 3),
  );
  return { users: data.users, items: data.items, ratings, userIds: data.userIds, itemIds: data.itemIds };
}

/** Random interaction models and their metadata come from core's testing entry (one builder for every package). */
export {
  handMadeMetadata,
  randomInteractionModel as randomModel,
  type RandomInteractionModelOptions as RandomModelOptions,
} from '@edgerec/core/testing';
