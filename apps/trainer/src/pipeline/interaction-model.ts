import {
  activate,
  mulberry32,
  SCORE_SCALE,
  seenBy,
  shuffleInPlace,
  topKItems,
  userQuery,
  type IdIndex,
  type RecommenderModel,
  type SeenItems,
} from '@edgerec/core';
import type { InteractionHead } from './interaction-head.js';

/** Users sampled to place the recommend threshold. */
const THRESHOLD_USERS = 500;
/** The threshold is where a typical user's top-K list ends. */
const THRESHOLD_K = 10;

/** What {@link interactionModel} serves of a head: a fitted one, or tables trained elsewhere (a Spark import). */
export type ServedInteractionHead = Pick<InteractionHead, 'tables' | 'globalBias' | 'activation' | 'foldIn'>;

/**
 * A fitted interaction head as a served model (objective 'interaction'): its tables, the shared
 * ids, seen lists and popularity (when known), and a recommend threshold at the median score of
 * the 10th best unseen item over a sample of training users, so `recommend: true` means about
 * "this would make the user's top 10".
 */
export function interactionModel(
  head: ServedInteractionHead,
  shared: { users: IdIndex; items: IdIndex; seen?: SeenItems; popularity?: Float32Array; seed: number },
): RecommenderModel {
  const model: RecommenderModel = {
    objective: 'interaction',
    dim: head.tables.userFactors.length / Math.max(1, shared.users.size),
    activation: head.activation,
    globalBias: head.globalBias,
    scale: SCORE_SCALE,
    recommendThreshold: 0,
    users: shared.users,
    items: shared.items,
    ...head.tables,
    ...(shared.seen ? { seen: shared.seen } : {}),
    ...(shared.popularity ? { popularity: shared.popularity } : {}),
    ...(head.foldIn ? { foldIn: head.foldIn } : {}),
  };
  return { ...model, recommendThreshold: topKThreshold(model, shared.seed) };
}

/** The median over sampled users of their K-th best unseen item's score (0 when nobody has K unseen items). */
export function topKThreshold(model: RecommenderModel, seed: number): number {
  const users = shuffleInPlace(
    Uint32Array.from({ length: model.users.size }, (_, u) => u),
    mulberry32(seed + 13),
  );
  const scores: number[] = [];
  for (let j = 0; j < Math.min(THRESHOLD_USERS, users.length); j++) {
    const u = users[j]!;
    const ranked = topKItems(model, userQuery(model, u), {
      k: THRESHOLD_K,
      ...(model.seen ? { excludeSorted: seenBy(model.seen, u) } : {}),
    });
    if (ranked.length === THRESHOLD_K) scores.push(ranked[THRESHOLD_K - 1]!.raw);
  }
  if (scores.length === 0) return activate(model.activation, model.globalBias);
  scores.sort((a, b) => a - b);
  return scores[Math.floor(scores.length / 2)]!;
}
