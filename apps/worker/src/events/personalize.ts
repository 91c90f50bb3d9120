/**
 * Recommendations that follow a user's events: the ranking head's iALS fold-in (core's
 * foldInInteractions, the exact user solve against the fixed item table) over the items the user
 * interacted with in training (the artifact's seen lists, weight 1 each) plus their stored events
 * (each with its weight), solved per request. An unknown user becomes personal from their first
 * event. The items of the events are excluded, like the training items. With ITEM_INDEX=ivf the
 * folded-in vector probes the IVF index (`probe`), as a fold-in request's does.
 */
import {
  foldInInteractions,
  objectiveOf,
  rankingHead,
  seenBy,
  userQuery,
  type FoldInInteraction,
  type RecommenderModel,
  type UserQuery,
} from '@edgerec/core';
import { resolveFilter } from '../item-filter';
import { MAX_FOLD_IN_ITEMS } from '../limits';
import { rankItems, type RecommendOptions, type UserQueries, type UserRecommendations } from '../ranking';
import type { HistoryEntry } from './types';

/** How a user's stored events were used, as `GET /v1/users/{user}/recommendations` reports it. */
export interface EventsReport {
  /** Events stored for the user. */
  stored: number;
  /** Whether the ranking folded them in. */
  used: boolean;
  /** Distinct known items of the events (folded in and excluded). */
  items?: number;
  /** Distinct items of the events the model does not know (skipped). */
  unknownItems?: number;
  /** Why the events were not used. */
  reason?: string;
}

/** Recommendations that used the events, or why they could not. */
export type Personalized =
  | { used: true; recommendations: UserRecommendations; events: EventsReport }
  | { used: false; events: EventsReport };

/** Options of {@link personalize}: the ranking's, and how an item index proposes candidates for the folded-in vector. */
export interface PersonalizeOptions extends RecommendOptions {
  /** ITEM_INDEX=ivf: the candidates for the folded-in query (not asked when the request gives its own). */
  probe?: ((query: UserQuery) => ArrayLike<number>) | undefined;
}

/** The user's ranking with their stored `history` folded in (see the top of this file). */
export function personalize(
  model: RecommenderModel,
  user: string,
  k: number,
  history: readonly HistoryEntry[],
  options: PersonalizeOptions = {},
): Personalized {
  const stored = history.length;
  const notUsed = (reason: string): Personalized => ({ used: false, events: { stored, used: false, reason } });
  const head = rankingHead(model);
  if (!head.foldIn) {
    return notUsed("the model's ranking head was not trained with iALS, so it cannot fold in events");
  }
  const u = model.users.indexOf(user);
  if (u !== undefined && !model.seen) {
    return notUsed(
      "the artifact lists no training items, so the user's training history cannot be folded in with the events",
    );
  }
  const trained = u !== undefined && model.seen ? seenBy(model.seen, u) : new Uint32Array(0);
  const eventWeights = new Map<number, number>();
  const unknown = new Set<string>();
  for (const { item, weight } of history) {
    const i = model.items.indexOf(item);
    if (i === undefined) unknown.add(item);
    else eventWeights.set(i, (eventWeights.get(i) ?? 0) + weight);
  }
  const report = { stored, items: eventWeights.size, unknownItems: unknown.size };
  if (eventWeights.size === 0) {
    return { used: false, events: { ...report, used: false, reason: 'the model knows none of the events’ items' } };
  }
  const interactions: FoldInInteraction[] = [];
  for (const item of trained) interactions.push({ item, weight: 1 });
  for (const [item, weight] of eventWeights) interactions.push({ item, weight });
  // At most MAX_EVENTS_PER_USER events are stored; only a training history can be long.
  if (new Set(interactions.map((x) => x.item)).size > MAX_FOLD_IN_ITEMS) {
    return {
      used: false,
      events: {
        ...report,
        used: false,
        reason: `the user's training items and events span more than ${MAX_FOLD_IN_ITEMS} items (MAX_FOLD_IN_ITEMS), too many to fold in per request`,
      },
    };
  }
  const ranking = foldInInteractions(head, interactions);
  const queries: UserQueries =
    objectiveOf(model) === 'interaction'
      ? { ranking }
      : { ranking, ...(u === undefined ? {} : { rating: userQuery(model, u) }) };
  const filter = resolveFilter(model, options.filter ?? {});
  if (options.probe && !filter.candidates) filter.candidates = options.probe(ranking);
  for (const item of eventWeights.keys()) filter.exclude.add(item);
  const { items, order } = rankItems(model, queries, {
    k,
    filter,
    excludeSorted: trained.length > 0 ? trained : undefined,
    order: options.order ?? 'score',
    orderField: 'query parameter "order"',
  });
  return {
    used: true,
    recommendations: {
      items,
      excludedSeen: trained.length,
      seenItems: model.seen !== undefined,
      coldStart: false,
      ...(order ? { order } : {}),
      ...filter.report,
    },
    events: { ...report, used: true },
  };
}
