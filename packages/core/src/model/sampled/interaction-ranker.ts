import type { Activation } from '../../activation.js';
import { createIdIndex } from '../../ids.js';
import { modelRanker, type Ranker } from '../../ranking.js';
import type { RecommenderModel } from '../../recommender-model.js';
import { minMaxScale } from '../../scale.js';
import type { SeenItems } from '../../seen-items.js';
import type { FactorTables } from '../recommender-net.js';

/** Options for {@link interactionRanker}. */
export interface InteractionRankerOptions {
  /** Each user's training items, excluded when ranking. */
  seen?: SeenItems;
  /** Default relevance threshold for evaluateRanking (held-out interactions usually carry 1). */
  threshold?: number;
  globalBias?: number;
  activation?: Activation;
}

/**
 * Ranks items for users with trained tables through the serving top-K (the same scan the edge
 * runs), so validation NDCG during training measures what will be served.
 * @example
 * const ndcg = evaluateRanking(interactionRanker(tables, { seen }), heldOut, { k: 10, threshold: 1 }).ndcg;
 */
export function interactionRanker(tables: FactorTables, options: InteractionRankerOptions = {}): Ranker {
  const users = tables.userBias.length;
  const items = tables.itemBias.length;
  const labels = (n: number) => createIdIndex(Array.from({ length: n }, (_, i) => String(i)));
  const model: RecommenderModel = {
    dim: users > 0 ? tables.userFactors.length / users : items > 0 ? tables.itemFactors.length / items : 1,
    activation: options.activation ?? 'linear',
    globalBias: options.globalBias ?? 0,
    scale: minMaxScale(0, 1),
    recommendThreshold: options.threshold ?? 1,
    users: labels(users),
    items: labels(items),
    userFactors: tables.userFactors,
    itemFactors: tables.itemFactors,
    userBias: tables.userBias,
    itemBias: tables.itemBias,
    ...(options.seen ? { seen: options.seen } : {}),
  };
  return modelRanker(model);
}
