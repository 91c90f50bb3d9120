import {
  evaluateRanking,
  itemPopularity,
  modelRanker,
  popularityRanker,
  type ArtifactRankingMetrics,
  type IndexedRatings,
  type RankingAccuracy,
  type RecommenderModel,
  type SeenItems,
} from '@edgerec/core';

/** Ranked list length of the figures a training run reports. */
export const RANKING_K = 10;

/** One held-out set to rank: the model to rank with, the rows, and what each user had seen before them. */
export interface RankingCase {
  model: RecommenderModel;
  rows: IndexedRatings;
  seen: SeenItems;
}

/** A model's ranking figures next to a popularity ranking fitted on the same seen pairs. */
export interface RankingComparison {
  model: RankingAccuracy;
  popularity: RankingAccuracy;
}

/** What a training run reports about ranking (every held-out item relevant, K = 10). */
export interface RankingFigures {
  validation?: RankingComparison;
  test?: RankingComparison;
  /** The model's figures as the artifact stores them. */
  stored: { validation?: ArtifactRankingMetrics; test?: ArtifactRankingMetrics };
}

/**
 * Ranks each held-out set with the model (its ranking head) and with item popularity counted
 * over the same seen pairs, excluding each user's seen items, every held-out item relevant.
 */
export function rankingFigures(cases: { validation?: RankingCase; test?: RankingCase }, k = RANKING_K): RankingFigures {
  const out: RankingFigures = { stored: {} };
  for (const part of ['validation', 'test'] as const) {
    const c = cases[part];
    if (!c || c.rows.users.length === 0) continue;
    const popularity = itemPopularity(c.model.items.size, c.seen);
    const options = { k, threshold: 'any' as const, seen: c.seen, popularity };
    const model = evaluateRanking(modelRanker(c.model), c.rows, options);
    const baseline = evaluateRanking(
      popularityRanker(popularity, { users: c.model.users.size, seen: c.seen }),
      c.rows,
      options,
    );
    out[part] = { model, popularity: baseline };
    if (model.users > 0) out.stored[part] = storedMetrics(model);
  }
  return out;
}

/** The fields of a RankingAccuracy the artifact keeps. */
export function storedMetrics(r: RankingAccuracy): ArtifactRankingMetrics {
  return {
    k: r.k,
    precision: r.precision,
    recall: r.recall,
    ndcg: r.ndcg,
    map: r.map,
    hitRate: r.hitRate,
    coverage: r.coverage,
    users: r.users,
  };
}
