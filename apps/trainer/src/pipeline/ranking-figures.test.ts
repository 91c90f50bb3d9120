import { buildSeenItems, seenBy, type IndexedRatings, type RecommenderModel, type SeenItems } from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import { randomModel } from '../test-utils/interaction-fixtures.js';
import {
  bruteDistinctUsers,
  bruteOrder,
  bruteRanking,
  bruteScores,
  bruteTopK,
  type BruteRanking,
} from '../test-utils/ranking-reference.js';
import { rankingFigures, storedMetrics } from './ranking-figures.js';

const USERS = 12;
const ITEMS = 25;

/** Held-out rows (user, item), with one unknown user and one unknown item; the rating column is deliberately low. */
function heldOut(pairs: Array<[number, number]>): IndexedRatings {
  const all: Array<[number, number]> = [...pairs, [-1, 3], [2, -1]];
  return {
    users: Int32Array.from(all, ([u]) => u),
    items: Int32Array.from(all, ([, i]) => i),
    ratings: new Float32Array(all.length).fill(-5),
  };
}

/** The relevant sets of known rows: every held-out item. */
function relevantOf(rows: IndexedRatings): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (let r = 0; r < rows.users.length; r++) {
    if (rows.users[r]! < 0 || rows.items[r]! < 0) continue;
    out.set(rows.users[r]!, (out.get(rows.users[r]!) ?? new Set()).add(rows.items[r]!));
  }
  return out;
}

/** Brute-force figures of a head and of the popularity counted on `seen`. */
function brute(
  head: RecommenderModel,
  rows: IndexedRatings,
  seen: SeenItems,
  k = 10,
): { model: BruteRanking; popularity: BruteRanking } {
  const relevant = relevantOf(rows);
  const pairs: Array<[number, number]> = [];
  for (let u = 0; u < USERS; u++) for (const i of seenBy(seen, u)) pairs.push([u, i]);
  const order = bruteOrder(bruteDistinctUsers(ITEMS, pairs));
  const exclude = (u: number) => new Set(seenBy(seen, u));
  return {
    model: bruteRanking(relevant, (u) => bruteTopK(bruteScores(head, u), exclude(u), k), k, ITEMS),
    popularity: bruteRanking(relevant, (u) => order.filter((i) => !exclude(u).has(i)).slice(0, k), k, ITEMS),
  };
}

/** Seen lists with some pairs added. */
function withPairs(seen: SeenItems, pairs: Array<[number, number]>): SeenItems {
  const u: number[] = [];
  const i: number[] = [];
  for (let user = 0; user < USERS; user++) {
    for (const item of seenBy(seen, user)) {
      u.push(user);
      i.push(item);
    }
  }
  for (const [user, item] of pairs) {
    u.push(user);
    i.push(item);
  }
  return buildSeenItems(USERS, u, i);
}

/** Figures a RankingAccuracy shares with the brute-force reference. */
const comparable = (r: BruteRanking): BruteRanking => ({
  precision: r.precision,
  recall: r.recall,
  ndcg: r.ndcg,
  map: r.map,
  hitRate: r.hitRate,
  coverage: r.coverage,
  users: r.users,
  relevant: r.relevant,
});

const expectClose = (actual: BruteRanking, expected: BruteRanking) => {
  for (const [key, value] of Object.entries(expected))
    expect(actual[key as keyof BruteRanking], key).toBeCloseTo(value, 12);
};

describe('rankingFigures', () => {
  const trainSeen = buildSeenItems(
    USERS,
    [0, 0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11],
    [1, 2, 1, 1, 2, 3, 4, 1, 2, 5, 1, 6, 2, 7, 1, 8],
  );
  // The served seen lists add the validation pairs (a refit trained on them).
  const validationPairs: Array<[number, number]> = [
    [0, 20],
    [1, 20],
    [3, 20],
    [4, 20],
    [6, 20],
    [8, 20],
    [10, 20],
    [0, 9],
    [7, 14],
  ];
  const served = withPairs(trainSeen, validationPairs);
  // Item 20 is popular only once the validation pairs count; four test users who have not seen it hold it out.
  const testPairs: Array<[number, number]> = [
    [0, 11],
    [0, 21],
    [1, 2],
    [1, 3],
    [2, 4],
    [2, 20],
    [3, 1],
    [5, 18],
    [5, 20],
    [7, 2],
    [9, 20],
    [11, 20],
    [11, 22],
  ];

  it('ranks validation and test with the model and with popularity counted on each part’s seen lists, every held-out item relevant', () => {
    const model = randomModel({ users: USERS, items: ITEMS, dim: 4, seed: 31, seen: served });
    const earlyStopped = {
      ...model,
      ...randomModel({ users: USERS, items: ITEMS, dim: 4, seed: 32 }),
      seen: served,
      users: model.users,
      items: model.items,
    };
    const validation = heldOut(validationPairs);
    const test = heldOut(testPairs);
    const figures = rankingFigures({
      validation: { model: earlyStopped, rows: validation, seen: trainSeen },
      test: { model, rows: test, seen: served },
    });
    const v = brute(earlyStopped, validation, trainSeen);
    const t = brute(model, test, served);
    expectClose(comparable(figures.validation!.model), v.model);
    expectClose(comparable(figures.validation!.popularity), v.popularity);
    expectClose(comparable(figures.test!.model), t.model);
    expectClose(comparable(figures.test!.popularity), t.popularity);
    expect(figures.test!.model).toMatchObject({ k: 10, threshold: 'any', skipped: 2 });
    // Popularity follows each part's seen lists (counted on the training ones, the test figures would differ).
    expect(figures.test!.popularity.ndcg).toBeGreaterThan(brute(model, test, trainSeen).popularity.ndcg + 0.1);
    expect(figures.stored).toEqual({
      validation: storedMetrics(figures.validation!.model),
      test: storedMetrics(figures.test!.model),
    });
    expect(Object.keys(figures.stored.test!).sort()).toEqual([
      'coverage',
      'hitRate',
      'k',
      'map',
      'ndcg',
      'precision',
      'recall',
      'users',
    ]);
  });

  it('ranks a rating model by its interaction head, honours k, and leaves out parts with no rows', () => {
    const head = randomModel({ users: USERS, items: ITEMS, dim: 3, seed: 33, seen: served });
    const rating: RecommenderModel = {
      ...randomModel({ users: USERS, items: ITEMS, dim: 5, seed: 34, seen: served }),
      objective: 'rating',
      scale: { min: 1, max: 5, targetMin: 0, targetMax: 1 },
      recommendThreshold: 3.5,
    };
    const ranked = {
      ...rating,
      users: head.users,
      items: head.items,
      ranking: { ...head, users: head.users, items: head.items },
    };
    const test = heldOut(testPairs);
    const figures = rankingFigures({ test: { model: ranked, rows: test, seen: served } }, 5);
    expectClose(comparable(figures.test!.model), brute(head, test, served, 5).model);
    expect(figures.test!.model.ndcg).not.toBeCloseTo(brute(rating, test, served, 5).model.ndcg, 6);
    expect(figures.test!.model.k).toBe(5);
    expect(figures.validation).toBeUndefined();
    expect(figures.stored.validation).toBeUndefined();
    const none: IndexedRatings = { users: new Int32Array(0), items: new Int32Array(0), ratings: new Float32Array(0) };
    const empty = rankingFigures({
      validation: { model: head, rows: heldOut([]), seen: served },
      test: { model: head, rows: none, seen: served },
    });
    expect(empty.test).toBeUndefined();
    // Only unknown ids: ranked, but nobody to average over, so nothing stored.
    expect(empty.validation!.model.users).toBe(0);
    expect(empty.stored).toEqual({});
  });
});
