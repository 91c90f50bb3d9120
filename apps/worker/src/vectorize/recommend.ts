/**
 * ITEM_INDEX=vectorize or ivf: recommendations whose candidates come from the Vectorize index or
 * from the artifact's IVF index (ivf.ts), then are re-scored, filtered and ordered exactly as
 * ITEM_INDEX=exact does (ranking.ts / fold-in.ts with the candidates as their pool). Unknown users
 * (cold start) and requests that give `candidates` are ranked exactly and say so; a missing or
 * mismatched index answers 503.
 */
import { seenBy, type RecommenderModel, type UserQuery } from '@edgerec/core';
import { foldInQueries, foldInRecommend, type FoldInRecommendations, type FoldInRequest } from '../fold-in';
import { VECTORIZE_MAX_TOP_K, VECTORIZE_POOL_FACTOR } from '../limits';
import type { ServedModel } from '../model-source';
import {
  knownUserQueries,
  recommendFor,
  rerankPoolSize,
  type RecommendOptions,
  type UserRecommendations,
} from '../ranking';
import type { RankOrder } from '../schemas';
import { vectorizeCandidates, type Candidates } from './candidates';
import { configProblem, itemIndexConfig, itemIndexUnavailable, type ItemIndexConfig } from './config';
import { fromIvf, ivfPool } from './ivf';
import type { ItemIndexReport } from './report';

/** A response and, when ITEM_INDEX is not `exact`, how its items were found. */
export type WithItemIndex<T> = T & { itemIndex?: ItemIndexReport };

/** What a request asks of the item index: the lists to probe (ITEM_INDEX=ivf; default: the artifact's). */
export interface IndexRequest {
  nprobe?: number | undefined;
}

/** `GET /v1/users/{user}/recommendations` through the configured item index (see the top of this file). */
export async function recommendForUser(
  env: Env | undefined,
  served: ServedModel,
  user: string,
  k: number,
  options: RecommendOptions,
  asked: IndexRequest = {},
): Promise<WithItemIndex<UserRecommendations>> {
  const { model } = served;
  const config = configuredIndex(env);
  if (config.mode === 'exact') return recommendFor(model, user, k, options);
  const u = model.users.indexOf(user);
  if (u === undefined) {
    return {
      ...recommendFor(model, user, k, options),
      itemIndex: exact('an unknown user gets the cold-start ranking'),
    };
  }
  if (options.filter?.candidates) {
    return { ...recommendFor(model, user, k, options), itemIndex: exact('the request gives its own candidates') };
  }
  const seen = model.seen ? seenBy(model.seen, u).length : 0;
  const excluded = seen + (options.filter?.exclude?.length ?? 0);
  const query = knownUserQueries(model, u).ranking!;
  if (config.mode === 'ivf') {
    const probed = ivfPool(model, query, asked.nprobe);
    const result = recommendFor(model, user, k, { ...options, pool: probed.indices });
    return { ...result, itemIndex: fromIvf(probed, result.items.length, k) };
  }
  const pool = await vectorizeCandidates(config.index, served, query, poolTopK(model, k, options.order, excluded));
  const result = recommendFor(model, user, k, { ...options, pool: pool.indices });
  return { ...result, itemIndex: fromVectorize(pool, result.items.length, k) };
}

/** `POST /v1/recommendations` through the configured item index: the folded-in vector is the query. */
export async function recommendForNewUser(
  env: Env | undefined,
  served: ServedModel,
  request: FoldInRequest,
  asked: IndexRequest = {},
): Promise<WithItemIndex<FoldInRecommendations>> {
  const { model } = served;
  const config = configuredIndex(env);
  if (config.mode === 'exact') return foldInRecommend(model, request);
  const user = foldInQueries(model, request);
  if (request.candidates) {
    return { ...foldInRecommend(model, request, { user }), itemIndex: exact('the request gives its own candidates') };
  }
  const query: UserQuery | undefined = user.queries.ranking;
  if (!query) {
    return {
      ...foldInRecommend(model, request, { user }),
      itemIndex: exact('the ranking head cannot fold in ratings, so the rating head ranked every item'),
    };
  }
  if (config.mode === 'ivf') {
    const probed = ivfPool(model, query, asked.nprobe);
    const result = foldInRecommend(model, request, { user, pool: probed.indices });
    return { ...result, itemIndex: fromIvf(probed, result.items.length, request.k) };
  }
  const excluded = user.known.size + (request.exclude?.length ?? 0);
  const pool = await vectorizeCandidates(
    config.index,
    served,
    query,
    poolTopK(model, request.k, request.order, excluded),
  );
  const result = foldInRecommend(model, request, { user, pool: pool.indices });
  return { ...result, itemIndex: fromVectorize(pool, result.items.length, request.k) };
}

/** How a user ranked with their stored events (src/events/personalize.ts) takes IVF candidates, and the report of it. */
export interface EventsProbe {
  probe: (query: UserQuery) => ArrayLike<number>;
  /** `itemIndex` of the answer: the probe's, or `exact` when the request gave its own candidates. */
  report: (returned: number, k: number) => ItemIndexReport;
}

/**
 * ITEM_INDEX=ivf for a user with stored events: probes with their folded-in vector. Undefined in
 * the other modes (`exact`, and `vectorize`, which ranks such users over every item). Throws a 503
 * for a configuration that cannot serve.
 */
export function eventsProbe(
  env: Env | undefined,
  model: RecommenderModel,
  asked: IndexRequest,
): EventsProbe | undefined {
  if (configuredIndex(env).mode !== 'ivf') return undefined;
  let probed: ReturnType<typeof ivfPool> | undefined;
  return {
    probe: (query) => {
      probed = ivfPool(model, query, asked.nprobe);
      return probed.indices;
    },
    report: (returned, k) => (probed ? fromIvf(probed, returned, k) : exact('the request gives its own candidates')),
  };
}

/** Candidates to ask for: VECTORIZE_POOL_FACTOR × what the ranking needs, plus what it will drop, at most 100. */
export function poolTopK(model: RecommenderModel, k: number, order: RankOrder | undefined, excluded: number): number {
  const needed = order === 'rating' && model.ranking ? rerankPoolSize(k) : k;
  return Math.min(VECTORIZE_MAX_TOP_K, VECTORIZE_POOL_FACTOR * needed + excluded);
}

/** ITEM_INDEX as configured; throws a 503 for a configuration that cannot serve. */
function configuredIndex(
  env: Env | undefined,
): { mode: 'exact' } | { mode: 'ivf' } | { mode: 'vectorize'; index: VectorizeIndex } {
  const config: ItemIndexConfig = itemIndexConfig(env);
  const problem = configProblem(config);
  if (problem !== undefined) throw itemIndexUnavailable(problem);
  if (config.mode === 'vectorize' && config.index) return { mode: 'vectorize', index: config.index };
  return config.mode === 'ivf' ? { mode: 'ivf' } : { mode: 'exact' };
}

function exact(reason: string): ItemIndexReport {
  return { source: 'exact', reason };
}

function fromVectorize(pool: Candidates, returned: number, k: number): ItemIndexReport {
  const candidates = pool.indices.length;
  return { source: 'vectorize', topK: pool.topK, candidates, short: returned < k && candidates === pool.topK };
}
