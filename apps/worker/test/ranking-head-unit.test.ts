import {
  foldInInteractions,
  foldInUser,
  mostPopular,
  predict,
  ratingFromRaw,
  seenBy,
  topKItems,
  userQuery,
  type LoadedArtifact,
  type RankedItem,
  type RecommenderModel,
  type TopKOptions,
  type UserQuery,
} from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../src/schemas';
import type { Score } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import {
  HEAD_DIM,
  TEST_IALS,
  TEST_RANKING_METRICS,
  loadArtifact,
  makeRankedArtifact,
} from './helpers/interaction-model';
import { allItems, bruteByItemBias, bruteForQuery } from './helpers/reference';
import { unitApp } from './helpers/unit-app';

// A rating model with an interaction head beside it (iALS, with fold-in; and a sigmoid head
// without), built in the test with core's serializeArtifact. Pairs are scored by the rating head;
// recommendations rank by the head and carry both the head's score and the rating head's rating.

interface Item {
  item: string;
  score?: number;
  probability?: number;
  rating?: number;
  raw?: number;
  popularity?: number;
}
interface Recommendations {
  user: string;
  k: number;
  items: Item[];
  excludedSeen: number;
  coldStart: boolean;
  fallback?: string;
  order?: string;
}
interface FoldIn {
  k: number;
  items: Item[];
  order?: string;
  foldedIn: { ratings?: number; items?: number; unknownItems: string[]; l2: number; interactionL2?: number };
}

const texts = { ials: '', sigmoid: '' };
const refs = {} as Record<keyof typeof texts, LoadedArtifact>;
const t = unitApp(() => loadArtifact(texts.ials));
const sigmoidApp = unitApp(() => loadArtifact(texts.sigmoid));

beforeAll(async () => {
  texts.ials = await makeRankedArtifact();
  texts.sigmoid = await makeRankedArtifact({ activation: 'sigmoid' });
  refs.ials = await loadArtifact(texts.ials);
  refs.sigmoid = await loadArtifact(texts.sigmoid);
});

const userPath = (user: string, query = '') => `/v1/users/${encodeURIComponent(user)}/recommendations${query}`;
const ids = (model: RecommenderModel, indices: readonly number[]) => indices.map((i) => model.items.ids[i]!);
const seenOf = (model: RecommenderModel, u: number) => Array.from(seenBy(model.seen!, u));
const close = (a: number | undefined, b: number) => expect(Math.abs(a! - b)).toBeLessThanOrEqual(1e-6);

/** The head's ranking (order and scores) with the rating head's rating and raw output for each item. */
function expectHeadRanking(
  actual: Item[],
  model: RecommenderModel,
  expected: RankedItem[],
  rawOf: (i: number) => number,
) {
  expect(actual.map((r) => r.item)).toEqual(
    ids(
      model,
      expected.map((e) => e.index),
    ),
  );
  actual.forEach((r, n) => {
    const index = expected[n]!.index;
    close(r.score, expected[n]!.raw);
    close(r.raw, rawOf(index));
    close(r.rating, ratingFromRaw(model, rawOf(index)));
    expect(Object.keys(r).sort()).toEqual(
      model.ranking!.activation === 'sigmoid'
        ? ['item', 'probability', 'rating', 'raw', 'score', 'unclippedRating']
        : ['item', 'rating', 'raw', 'score', 'unclippedRating'],
    );
  });
}

/** order=rating by hand: the head's best max(5k, 50) items, sorted by the rating head's raw output. */
function rerankedByHand(
  model: RecommenderModel,
  headQuery: UserQuery,
  rawOf: (i: number) => number,
  k: number,
  options: Omit<TopKOptions, 'k'>,
) {
  const pool = topKItems(model.ranking!, headQuery, { ...options, k: Math.max(5 * k, 50) });
  return pool
    .map((p) => ({ index: p.index, score: p.raw, raw: rawOf(p.index) }))
    .sort((a, b) => b.raw - a.raw || a.index - b.index)
    .slice(0, k);
}

describe('rating model with a ranking head: GET /v1/model', () => {
  it('describes the head, cold start by popularity, both fold-ins and the ranking metrics', async () => {
    const info = await readJson<Record<string, unknown>>(await t.request('/v1/model'));
    expect(info).toMatchObject({
      version: 2,
      objective: 'rating',
      scale: { min: 1, max: 5 },
      ranking: {
        objective: 'interaction',
        dim: HEAD_DIM,
        activation: 'linear',
        method: 'ials',
        recommendThreshold: 0.3,
      },
      coldStart: 'popularity',
      foldIn: 'ratings+interactions',
      recommendThreshold: { value: 3.5, source: 'artifact', artifact: 3.5 },
      metrics: { validation: { rmse: 0.91 }, ranking: TEST_RANKING_METRICS },
    });
    expect(await readJson(await sigmoidApp.request('/v1/model'))).toMatchObject({
      ranking: { activation: 'sigmoid', method: 'sampled-bce', recommendThreshold: 0.5 },
      foldIn: 'ratings',
    });
  });
});

describe('rating model with a ranking head: scores', () => {
  it('POST /v1/score scores every pair with the rating head (core predict), as before', async () => {
    const { model } = refs.ials;
    const all: [number, number][] = [];
    for (let u = 0; u < model.users.size; u++) for (let i = 0; i < model.items.size; i++) all.push([u, i]);
    for (let start = 0; start < all.length; start += MAX_BATCH) {
      const chunk = all.slice(start, start + MAX_BATCH);
      const pairs = chunk.map(([u, i]) => ({ user: model.users.ids[u]!, item: model.items.ids[i]! }));
      const { results } = await readJson<{ results: Score[] }>(await t.request('/v1/score', postJson({ pairs })));
      chunk.forEach(([u, i], n) => {
        const expected = predict(model, u, i);
        close(results[n]!.rating, expected.rating);
        close(results[n]!.raw, expected.raw);
        expect(Object.keys(results[n]!).sort()).toEqual([
          'item',
          'rating',
          'raw',
          'recommend',
          'threshold',
          'unclippedRating',
          'user',
        ]);
        expect(results[n]!.recommend).toBe(expected.recommend);
      });
    }
    await expectError(
      await t.request('/v1/score?user=user-3&item=item-5&threshold=0.3'),
      400,
      'invalid_request',
      /from 1 to 5 \(the rating scale\)/,
    );
  });
});

describe('rating model with a ranking head: GET /v1/users/{user}/recommendations', () => {
  for (const name of ['ials', 'sigmoid'] as const) {
    it(`ranks every user by the head (core topKItems on it), with the rating head's prediction for each item (${name} head)`, async () => {
      const app = name === 'ials' ? t : sigmoidApp;
      const { model } = refs[name];
      const head = model.ranking!;
      for (let u = 0; u < model.users.size; u++) {
        const seen = seenBy(model.seen!, u);
        const recs = await readJson<Recommendations>(await app.request(userPath(model.users.ids[u]!, '?k=12')));
        const options: TopKOptions = { k: 12 };
        if (seen.length > 0) options.excludeSorted = seen;
        expectHeadRanking(
          recs.items,
          model,
          topKItems(head, userQuery(head, u), options),
          (i) => predict(model, u, i).raw,
        );
        if (head.activation === 'sigmoid') for (const r of recs.items) expect(r.probability).toBe(r.score);
        expect(recs).toMatchObject({ coldStart: false, excludedSeen: seen.length, order: 'score' });
      }
    });
  }

  it("order=rating re-ranks the head's best max(5k, 50) by predicted rating, for every user and several k, with exclude and candidates", async () => {
    const { model } = refs.ials;
    const head = model.ranking!;
    let differs = 0;
    for (let u = 0; u < model.users.size; u++) {
      for (const k of [1, 5, 10, 12]) {
        const seen = seenBy(model.seen!, u);
        const exclude = u % 3 === 0 ? [1, 2, 3] : [];
        const candidates = u % 4 === 0 ? allItems(model).filter((i) => i % 2 === 0) : undefined;
        const query = `?k=${k}&order=rating${exclude.length ? `&exclude=${ids(model, exclude).join(',')}` : ''}${candidates ? `&candidates=${ids(model, candidates).join(',')}` : ''}`;
        const recs = await readJson<Recommendations>(await t.request(userPath(model.users.ids[u]!, query)));
        const options: Omit<TopKOptions, 'k'> = {};
        if (seen.length > 0) options.excludeSorted = seen;
        if (exclude.length) options.exclude = new Set(exclude);
        if (candidates) options.candidates = candidates;
        const expected = rerankedByHand(model, userQuery(head, u), (i) => predict(model, u, i).raw, k, options);
        expect(recs.items.map((r) => r.item)).toEqual(
          ids(
            model,
            expected.map((e) => e.index),
          ),
        );
        recs.items.forEach((r, n) => {
          close(r.score, expected[n]!.score);
          close(r.raw, expected[n]!.raw);
        });
        expect(recs.order).toBe('rating');
        const byScore = await readJson<Recommendations>(
          await t.request(userPath(model.users.ids[u]!, query.replace('order=rating', 'order=score'))),
        );
        if (byScore.items.map((r) => r.item).join() !== recs.items.map((r) => r.item).join()) differs++;
      }
    }
    // The two orders are different rankings (the rating head and the interaction head disagree).
    expect(differs).toBeGreaterThan(100);
  });

  it('ranks an unknown user by popularity, each item with its count and the item-bias rating; order=rating re-ranks the popular pool', async () => {
    const { model } = refs.ials;
    const byBias = new Map(bruteByItemBias(model, allItems(model), model.items.size).map((r) => [r.index, r]));
    const recs = await readJson<Recommendations>(await t.request(userPath('ghost', '?k=8')));
    expect(recs).toMatchObject({ coldStart: true, fallback: 'popularity', order: 'score' });
    const popular = mostPopular(model, { k: 8 });
    expect(recs.items.map((r) => r.item)).toEqual(
      ids(
        model,
        popular.map((p) => p.index),
      ),
    );
    recs.items.forEach((r, n) => {
      expect(r.popularity).toBe(popular[n]!.popularity);
      close(r.raw, byBias.get(popular[n]!.index)!.raw);
      close(r.rating, byBias.get(popular[n]!.index)!.rating);
      expect(Object.keys(r).sort()).toEqual(['item', 'popularity', 'rating', 'raw', 'unclippedRating']);
    });
    const reranked = await readJson<Recommendations>(await t.request(userPath('ghost', '?k=8&order=rating')));
    const pool = mostPopular(model, { k: 50 }).map((p) => p.index);
    const expected = pool.sort((a, b) => byBias.get(b)!.raw - byBias.get(a)!.raw || a - b).slice(0, 8);
    expect(reranked.items.map((r) => r.item)).toEqual(ids(model, expected));
    expect(reranked.order).toBe('rating');
  });
});

describe('rating model with a ranking head: POST /v1/recommendations', () => {
  const fold = (body: unknown, app = t) => app.request('/v1/recommendations', postJson(body));
  const ratingsOf = (model: RecommenderModel, u: number) =>
    seenOf(model, u).map((i) => ({ item: model.items.ids[i]!, rating: predict(model, u, i).rating }));

  it('folds ratings into the head as interactions of weight 1 (the ranking) and into the rating head (the ratings)', async () => {
    const { model } = refs.ials;
    const head = model.ranking!;
    for (let u = 0; u < model.users.size; u++) {
      const ratings = ratingsOf(model, u);
      if (ratings.length === 0) continue;
      const body = await readJson<FoldIn>(await fold({ ratings, k: 10 }));
      const rated = seenOf(model, u);
      const headQuery = foldInInteractions(
        head,
        rated.map((item) => ({ item })),
      );
      const ratingQuery = foldInUser(
        model,
        rated.map((item, n) => ({ item, rating: ratings[n]!.rating })),
      );
      const raws = new Map(
        bruteForQuery(model, ratingQuery, allItems(model), model.items.size).map((r) => [r.index, r.raw]),
      );
      expectHeadRanking(
        body.items,
        model,
        topKItems(head, headQuery, { k: 10, exclude: new Set(rated) }),
        (i) => raws.get(i)!,
      );
      expect(body).toMatchObject({
        order: 'score',
        foldedIn: { ratings: rated.length, unknownItems: [], l2: 0.3, interactionL2: TEST_IALS.l2 },
      });
    }
  });

  it('order=rating re-ranks the folded-in head ranking by the folded-in ratings', async () => {
    const { model } = refs.ials;
    const ratings = [
      { item: 'item-3', rating: 5 },
      { item: 'item-9', rating: 1 },
      { item: 'item-22', rating: 4 },
      { item: 'ghost', rating: 2 },
    ];
    const known = ratings.slice(0, 3).map((r) => ({ item: model.items.indexOf(r.item)!, rating: r.rating }));
    const body = await readJson<FoldIn>(await fold({ ratings, k: 7, order: 'rating', l2: 0.5 }));
    const ratingQuery = foldInUser(model, known, { l2: 0.5 });
    const raws = new Map(
      bruteForQuery(model, ratingQuery, allItems(model), model.items.size).map((r) => [r.index, r.raw]),
    );
    const headQuery = foldInInteractions(
      model.ranking!,
      known.map(({ item }) => ({ item })),
    );
    const expected = rerankedByHand(model, headQuery, (i) => raws.get(i)!, 7, {
      exclude: new Set(known.map((r) => r.item)),
    });
    expect(body.items.map((r) => r.item)).toEqual(
      ids(
        model,
        expected.map((e) => e.index),
      ),
    );
    expect(body).toMatchObject({ order: 'rating', foldedIn: { ratings: 3, unknownItems: ['ghost'], l2: 0.5 } });
  });

  it('folds items into the head: scores only (no rating to predict), order=rating is a 400', async () => {
    const { model } = refs.ials;
    const head = model.ranking!;
    const body = await readJson<FoldIn>(await fold({ items: ['item-1', { item: 'item-2', weight: 5 }], k: 6 }));
    const expected = topKItems(head, foldInInteractions(head, [{ item: 1 }, { item: 2, weight: 5 }]), {
      k: 6,
      exclude: new Set([1, 2]),
    });
    expect(body.items.map((r) => r.item)).toEqual(
      ids(
        model,
        expected.map((e) => e.index),
      ),
    );
    body.items.forEach((r, n) => {
      close(r.score, expected[n]!.raw);
      expect(Object.keys(r).sort()).toEqual(['item', 'score']);
    });
    expect(body).toMatchObject({ order: 'score', foldedIn: { items: 2, unknownItems: [], l2: TEST_IALS.l2 } });
    await expectError(
      await fold({ items: ['item-1'], order: 'rating' }),
      400,
      'invalid_request',
      /an "items" fold-in gives no ratings to rank by/,
    );
  });

  it('with a head that has no fold-in: ratings rank by the rating head (order rating), items are a 422', async () => {
    const { model } = refs.sigmoid;
    const ratings = ratingsOf(model, 4);
    const body = await readJson<FoldIn>(await fold({ ratings, k: 10 }, sigmoidApp));
    const query = foldInUser(
      model,
      seenOf(model, 4).map((item, n) => ({ item, rating: ratings[n]!.rating })),
    );
    const expected = bruteForQuery(
      model,
      query,
      allItems(model).filter((i) => !seenOf(model, 4).includes(i)),
      10,
    );
    expect(body.items.map((r) => r.item)).toEqual(expected.map((e) => e.item));
    for (const r of body.items) expect(Object.keys(r).sort()).toEqual(['item', 'rating', 'raw', 'unclippedRating']);
    expect(body.order).toBe('rating');
    expect(body.foldedIn).not.toHaveProperty('interactionL2');
    await expectError(
      await fold({ items: ['item-1'] }, sigmoidApp),
      422,
      'fold_in_unsupported',
      /ranking head was not trained with iALS/,
    );
  });
});
