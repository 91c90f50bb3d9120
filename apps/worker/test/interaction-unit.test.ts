import {
  foldInInteractions,
  itemBiasQuery,
  mostPopular,
  mulberry32,
  rawScore,
  seenBy,
  topKItems,
  userQuery,
  type FoldInInteraction,
  type LoadedArtifact,
  type RecommenderModel,
  type TopKOptions,
} from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import { TEST_IALS, TEST_RANKING_METRICS, loadArtifact, makeInteractionArtifact } from './helpers/interaction-model';
import { keysDeep } from './helpers/reference';
import { unitApp } from './helpers/unit-app';

// An interaction model (iALS: linear, popularity, fold-in; and a sigmoid head without fold-in)
// built in the test with core's serializeArtifact. The app serves one parse of the artifact; the
// expectations come from another parse of the same text, through core's own functions.

interface Item {
  item: string;
  score?: number;
  probability?: number;
  popularity?: number;
}
interface Recommendations {
  user: string;
  k: number;
  items: Item[];
  excludedSeen: number;
  seenItems: boolean;
  coldStart: boolean;
  fallback?: string;
  order?: string;
  exclude?: { requested: number; unknown: number };
  candidates?: { requested: number; unknown: string[] };
}
interface FoldIn {
  k: number;
  items: Item[];
  foldedIn: { items?: number; ratings?: number; unknownItems: string[]; l2: number };
  exclude?: { requested: number; unknown: number };
  candidates?: { requested: number; unknown: string[] };
}
interface InteractionScore {
  user: string;
  item: string;
  score: number;
  probability?: number;
  recommend: boolean;
  threshold: number;
}

const texts: Record<'linear' | 'sigmoid' | 'noPopularity', string> = { linear: '', sigmoid: '', noPopularity: '' };
const refs = {} as Record<keyof typeof texts, LoadedArtifact>;
const linearApp = unitApp(() => loadArtifact(texts.linear));
const sigmoidApp = unitApp(() => loadArtifact(texts.sigmoid));
const noPopularityApp = unitApp(() => loadArtifact(texts.noPopularity));

beforeAll(async () => {
  texts.linear = await makeInteractionArtifact();
  texts.sigmoid = await makeInteractionArtifact({ activation: 'sigmoid' });
  texts.noPopularity = await makeInteractionArtifact({ popularity: false });
  for (const name of Object.keys(texts) as (keyof typeof texts)[]) refs[name] = await loadArtifact(texts[name]);
});

const userPath = (user: string, query = '') => `/v1/users/${encodeURIComponent(user)}/recommendations${query}`;
const ids = (model: RecommenderModel, indices: readonly number[]) => indices.map((i) => model.items.ids[i]!);
const seenOf = (model: RecommenderModel, u: number) => Array.from(seenBy(model.seen!, u));

/** The response items equal core's ranking: same items in the same order, scores to 1e-6. */
function expectSameRanking(actual: Item[], model: RecommenderModel, expected: { index: number; raw: number }[]) {
  expect(actual.map((r) => r.item)).toEqual(
    ids(
      model,
      expected.map((e) => e.index),
    ),
  );
  actual.forEach((r, n) => {
    expect(Math.abs(r.score! - expected[n]!.raw)).toBeLessThanOrEqual(1e-6);
    if (model.activation === 'sigmoid') expect(r.probability).toBe(r.score);
    else expect(r).not.toHaveProperty('probability');
    expect(Object.keys(r).sort()).toEqual(
      model.activation === 'sigmoid' ? ['item', 'probability', 'score'] : ['item', 'score'],
    );
  });
}

/** No rating anywhere: an interaction model's answers carry scores only. */
function expectNoRating(body: unknown) {
  const keys = keysDeep(body);
  expect(keys.has('rating')).toBe(false);
  expect(keys.has('raw')).toBe(false);
}

describe('interaction model: GET /v1/model', () => {
  it('declares the objective, no rating scale, popularity cold start, the interaction fold-in and the ranking metrics', async () => {
    const info = await readJson<Record<string, unknown>>(await linearApp.request('/v1/model'));
    expect(info).toMatchObject({
      version: 2,
      objective: 'interaction',
      activation: 'linear',
      dim: refs.linear.model.dim,
      scale: null,
      ranking: null,
      coldStart: 'popularity',
      foldIn: 'interactions',
      recommendThreshold: { value: 0.3, source: 'artifact', artifact: 0.3 },
      metrics: { validation: null, test: null, ranking: TEST_RANKING_METRICS },
      counts: { users: 50, items: 80, ratings: refs.linear.model.seen!.items.length },
      training: { backend: 'ials' },
    });
  });

  it('says `none` for a head without fold-in and `item-bias` without popularity', async () => {
    expect(await readJson(await sigmoidApp.request('/v1/model'))).toMatchObject({
      objective: 'interaction',
      activation: 'sigmoid',
      foldIn: 'none',
      coldStart: 'popularity',
    });
    expect(await readJson(await noPopularityApp.request('/v1/model'))).toMatchObject({
      foldIn: 'interactions',
      coldStart: 'item-bias',
    });
  });

  it('reports a RECOMMEND_THRESHOLD override in score units', async () => {
    const info = await readJson<{ recommendThreshold: unknown }>(
      await linearApp.request('/v1/model', undefined, { RECOMMEND_THRESHOLD: '-0.25' }),
    );
    expect(info.recommendThreshold).toEqual({ value: -0.25, source: 'env', artifact: 0.3 });
  });
});

describe('interaction model: scores', () => {
  for (const name of ['linear', 'sigmoid'] as const) {
    it(`POST /v1/score answers core's rawScore as \`score\` for every pair, never a rating (${name} head)`, async () => {
      const t = name === 'linear' ? linearApp : sigmoidApp;
      const { model } = refs[name];
      const all: [number, number][] = [];
      for (let u = 0; u < model.users.size; u++) for (let i = 0; i < model.items.size; i++) all.push([u, i]);
      let recommended = 0;
      for (let start = 0; start < all.length; start += MAX_BATCH) {
        const chunk = all.slice(start, start + MAX_BATCH);
        const pairs = chunk.map(([u, i]) => ({ user: model.users.ids[u]!, item: model.items.ids[i]! }));
        const body = await readJson<{ results: InteractionScore[] }>(await t.request('/v1/score', postJson({ pairs })));
        expectNoRating(body);
        chunk.forEach(([u, i], n) => {
          const result = body.results[n]!;
          const score = rawScore(model, u, i);
          expect(Math.abs(result.score - score)).toBeLessThanOrEqual(1e-6);
          expect(result).toMatchObject({
            user: pairs[n]!.user,
            item: pairs[n]!.item,
            recommend: score >= model.recommendThreshold,
            threshold: model.recommendThreshold,
          });
          expect(Object.keys(result).sort()).toEqual(
            name === 'sigmoid'
              ? ['item', 'probability', 'recommend', 'score', 'threshold', 'user']
              : ['item', 'recommend', 'score', 'threshold', 'user'],
          );
          if (name === 'sigmoid') expect(result.probability).toBe(result.score);
          if (result.recommend) recommended++;
        });
      }
      // The sample is not degenerate: some pairs reach the threshold, most do not.
      expect(recommended).toBeGreaterThan(0);
      expect(recommended).toBeLessThan(all.length / 2);
    });
  }

  it('GET /v1/score takes a threshold in score units: any finite number for a linear head, 0 to 1 for a sigmoid head', async () => {
    const { model } = refs.linear;
    const score = rawScore(model, 3, 5);
    for (const threshold of [-2, 0, score, 1.5]) {
      const body = await readJson<InteractionScore>(
        await linearApp.request(`/v1/score?user=user-3&item=item-5&threshold=${threshold}`),
      );
      expect(body).toMatchObject({ recommend: score >= threshold, threshold });
      expectNoRating(body);
    }
    await expectError(
      await linearApp.request('/v1/score?user=user-3&item=item-5&threshold=1e309'),
      400,
      'invalid_request',
      /"threshold": must be a number/,
    );
    await expectError(
      await sigmoidApp.request('/v1/score?user=user-3&item=item-5&threshold=1.5'),
      400,
      'invalid_request',
      /threshold must be a number from 0 to 1 \(a probability/,
    );
    await expectError(
      await sigmoidApp.request('/v1/score', postJson({ pairs: [{ user: 'user-3', item: 'item-5' }], threshold: -0.1 })),
      400,
      'invalid_request',
      /from 0 to 1/,
    );
    const env = await readJson<InteractionScore>(
      await linearApp.request('/v1/score?user=user-3&item=item-5', undefined, { RECOMMEND_THRESHOLD: String(score) }),
    );
    expect(env).toMatchObject({ threshold: score, recommend: true });
  });

  it('answers 404 for unknown ids, and unknown pairs of a batch carry their error', async () => {
    await expectError(await linearApp.request('/v1/score?user=ghost&item=item-5'), 404, 'unknown_user');
    const { results } = await readJson<{ results: Record<string, unknown>[] }>(
      await linearApp.request(
        '/v1/score',
        postJson({
          pairs: [
            { user: 'user-1', item: 'nope' },
            { user: 'user-1', item: 'item-1' },
          ],
        }),
      ),
    );
    expect(results[0]).toMatchObject({ error: { code: 'unknown_item' } });
    expect(results[1]).toHaveProperty('score');
  });
});

describe('interaction model: GET /v1/users/{user}/recommendations', () => {
  for (const name of ['linear', 'sigmoid'] as const) {
    it(`ranks every user like core's topKItems on the model, without their training items (${name} head)`, async () => {
      const t = name === 'linear' ? linearApp : sigmoidApp;
      const { model } = refs[name];
      for (let u = 0; u < model.users.size; u++) {
        const seen = seenBy(model.seen!, u);
        const res = await t.request(userPath(model.users.ids[u]!, '?k=15'));
        expect(res.status).toBe(200);
        const recs = await readJson<Recommendations>(res);
        expectNoRating(recs);
        const options: TopKOptions = { k: 15 };
        if (seen.length > 0) options.excludeSorted = seen;
        expectSameRanking(recs.items, model, topKItems(model, userQuery(model, u), options));
        expect(recs).toMatchObject({ coldStart: false, excludedSeen: seen.length, seenItems: true });
        expect(recs).not.toHaveProperty('order');
        expect(recs).not.toHaveProperty('fallback');
      }
    });
  }

  it('applies exclude and candidates like core topKItems', async () => {
    const { model } = refs.linear;
    const random = mulberry32(99);
    for (let n = 0; n < 30; n++) {
      const u = Math.floor(random() * model.users.size);
      const exclude = Array.from({ length: Math.floor(random() * 10) }, () => Math.floor(random() * model.items.size));
      const candidates =
        random() < 0.5
          ? Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(random() * model.items.size))
          : undefined;
      const k = 1 + Math.floor(random() * 20);
      const query = `?k=${k}&exclude=${ids(model, exclude).join(',')}${candidates ? `&candidates=${ids(model, candidates).join(',')}` : ''}`;
      const recs = await readJson<Recommendations>(await linearApp.request(userPath(model.users.ids[u]!, query)));
      const options: TopKOptions = { k, excludeSorted: seenBy(model.seen!, u) };
      if (exclude.length > 0) options.exclude = new Set(exclude);
      if (candidates) options.candidates = [...new Set(candidates)];
      expectSameRanking(recs.items, model, topKItems(model, userQuery(model, u), options));
    }
  });

  it('answers 400 to order=rating (an interaction model predicts no ratings) and accepts order=score', async () => {
    await expectError(
      await linearApp.request(userPath('user-3', '?order=rating')),
      400,
      'invalid_request',
      /query parameter "order": "rating" is not available here: this model ranks interactions/,
    );
    await expectError(await linearApp.request(userPath('ghost', '?order=rating')), 400, 'invalid_request', /"order"/);
    await expectError(
      await linearApp.request(userPath('user-3', '?order=popular')),
      400,
      'invalid_request',
      /query parameter "order": must be "score" or "rating"/,
    );
    const plain = await readJson(await linearApp.request(userPath('user-3', '?k=5')));
    expect(await readJson(await linearApp.request(userPath('user-3', '?k=5&order=score')))).toEqual(plain);
  });

  it('ranks an unknown user by popularity (core mostPopular), each item with its count, flagged coldStart / popularity', async () => {
    const { model } = refs.linear;
    const recs = await readJson<Recommendations>(await linearApp.request(userPath('ghost', '?k=12')));
    expect(recs).toMatchObject({ user: 'ghost', k: 12, coldStart: true, fallback: 'popularity', excludedSeen: 0 });
    expectNoRating(recs);
    const popular = mostPopular(model, { k: 12 });
    expect(recs.items).toEqual(popular.map(({ index, popularity }) => ({ item: model.items.ids[index]!, popularity })));
    // Counts are training users per item, most popular first.
    for (let n = 1; n < recs.items.length; n++)
      expect(recs.items[n]!.popularity!).toBeLessThanOrEqual(recs.items[n - 1]!.popularity!);
  });

  it('cold start applies exclude and candidates like mostPopular, and coldStart=error still answers 404', async () => {
    const { model } = refs.linear;
    const exclude = [0, 3, 7, 11, 40];
    const candidates = [5, 9, 12, 3, 60, 61, 62, 70, 79];
    const recs = await readJson<Recommendations>(
      await linearApp.request(
        userPath(
          'ghost',
          `?k=5&exclude=${ids(model, exclude).join(',')},nope&candidates=${ids(model, candidates).join(',')},ghost-item`,
        ),
      ),
    );
    const popular = mostPopular(model, { k: 5, exclude: new Set(exclude), candidates });
    expect(recs.items.map((r) => r.item)).toEqual(
      ids(
        model,
        popular.map((p) => p.index),
      ),
    );
    expect(recs).toMatchObject({
      exclude: { requested: 6, unknown: 1 },
      candidates: { requested: 10, unknown: ['ghost-item'] },
    });
    await expectError(await linearApp.request(userPath('ghost', '?coldStart=error')), 404, 'unknown_user', /"ghost"/);
  });

  it('falls back to item bias (scores, no rating) when the artifact stores no popularity', async () => {
    const { model } = refs.noPopularity;
    const recs = await readJson<Recommendations>(await noPopularityApp.request(userPath('ghost', '?k=6')));
    expect(recs).toMatchObject({ coldStart: true, fallback: 'item-bias' });
    expectNoRating(recs);
    expectSameRanking(recs.items, model, topKItems(model, itemBiasQuery(model), { k: 6 }));
  });
});

describe('interaction model: POST /v1/recommendations with items (fold-in)', () => {
  const t = linearApp;
  const fold = (body: unknown) => t.request('/v1/recommendations', postJson(body));

  /** Core's answer: topKItems on the head with foldInInteractions' query, without the folded-in items. */
  function coreFoldIn(
    model: RecommenderModel,
    interactions: FoldInInteraction[],
    k: number,
    l2?: number,
    extra: Partial<TopKOptions> = {},
  ) {
    const query = foldInInteractions(model, interactions, l2 === undefined ? {} : { l2 });
    const exclude = new Set([...interactions.map((x) => x.item), ...(extra.exclude ?? [])]);
    return topKItems(model, query, { ...extra, k, exclude });
  }

  it("equals core's foldInInteractions + topKItems for every user's own items, as plain ids", async () => {
    const { model } = refs.linear;
    for (let u = 0; u < model.users.size; u++) {
      const seen = seenOf(model, u);
      if (seen.length === 0) continue;
      const res = await fold({ items: ids(model, seen), k: 10 });
      expect(res.status).toBe(200);
      const body = await readJson<FoldIn>(res);
      expectNoRating(body);
      expectSameRanking(
        body.items,
        model,
        coreFoldIn(
          model,
          seen.map((item) => ({ item })),
          10,
        ),
      );
      expect(body.foldedIn).toEqual({ items: seen.length, unknownItems: [], l2: TEST_IALS.l2 });
      for (const r of body.items) expect(seen).not.toContain(model.items.indexOf(r.item));
    }
  });

  it("folding in a user's own items lands near their trained vector (overlap with their top-10)", async () => {
    const { model } = refs.linear;
    let overlap = 0;
    let users = 0;
    for (let u = 0; u < model.users.size; u++) {
      const seen = seenOf(model, u);
      if (seen.length < 5) continue;
      users++;
      const folded = await readJson<FoldIn>(await fold({ items: ids(model, seen) }));
      const trained = await readJson<Recommendations>(await t.request(userPath(model.users.ids[u]!, '?k=10')));
      overlap += folded.items.filter((r) => trained.items.some((s) => s.item === r.item)).length;
    }
    // The head is random, not trained, so the fold-in is not its user vector; it must still beat chance (10/70 per user).
    expect(overlap / users).toBeGreaterThan(1.5);
  });

  it('takes weights, mixed with plain ids; a repeated item sums its weights', async () => {
    const { model } = refs.linear;
    const body = {
      items: ['item-3', { item: 'item-9', weight: 4 }, { item: 'item-3', weight: 2 }, { item: 'item-20' }, 'item-41'],
      k: 20,
    };
    const got = await readJson<FoldIn>(await fold(body));
    const interactions = [{ item: 3 }, { item: 9, weight: 4 }, { item: 3, weight: 2 }, { item: 20 }, { item: 41 }];
    expectSameRanking(got.items, model, coreFoldIn(model, interactions, 20));
    expect(got.foldedIn).toMatchObject({ items: 4 });
    const summed = await readJson<FoldIn>(
      await fold({
        items: [{ item: 'item-3', weight: 3 }, { item: 'item-9', weight: 4 }, 'item-20', 'item-41'],
        k: 20,
      }),
    );
    expect(summed.items).toEqual(got.items);
  });

  it("uses the trained λ by default and the body's l2 when given", async () => {
    const { model } = refs.linear;
    const interactions = [{ item: 2 }, { item: 8, weight: 10 }, { item: 33 }];
    for (const l2 of [1e-4, 0.5, 100]) {
      const got = await readJson<FoldIn>(
        await fold({ items: [{ item: 'item-2' }, { item: 'item-8', weight: 10 }, 'item-33'], k: 10, l2 }),
      );
      expectSameRanking(got.items, model, coreFoldIn(model, interactions, 10, l2));
      expect(got.foldedIn.l2).toBe(l2);
    }
  });

  it('skips unknown items (listed once), applies exclude and candidates, never returns an item of the body', async () => {
    const { model } = refs.linear;
    const got = await readJson<FoldIn>(
      await fold({
        items: ['ghost-1', 'item-4', { item: 'ghost-2', weight: 3 }, 'ghost-1', 'item-17'],
        k: 8,
        exclude: ['item-0', 'nope'],
        candidates: ['item-4', 'item-0', 'item-50', 'item-51', 'item-52', 'item-60', 'x'],
      }),
    );
    expect(got.foldedIn).toEqual({ items: 2, unknownItems: ['ghost-1', 'ghost-2'], l2: TEST_IALS.l2 });
    expect(got).toMatchObject({ exclude: { requested: 2, unknown: 1 }, candidates: { requested: 7, unknown: ['x'] } });
    expectSameRanking(
      got.items,
      model,
      coreFoldIn(model, [{ item: 4 }, { item: 17 }], 8, undefined, {
        exclude: new Set([0]),
        candidates: [4, 0, 50, 51, 52, 60],
      }),
    );
    expect(got.items.map((r) => r.item).sort()).toEqual(['item-50', 'item-51', 'item-52', 'item-60']);
  });

  it('answers 422 no_known_items when the model knows none of the items', async () => {
    const error = await expectError(await fold({ items: ['ghost-1', { item: 'ghost-2' }] }), 422, 'no_known_items');
    expect(error.message).toMatch(
      /^the model knows none of the 2 interacted items \("ghost-1", "ghost-2"\): fold-in needs at least one item the model was trained on/,
    );
    await expectError(
      await fold({ items: ['ghost-1'] }),
      422,
      'no_known_items',
      /^the model does not know the interacted item "ghost-1"/,
    );
  });

  it('answers 422 fold_in_unsupported to ratings, and to items for a head without fold-in', async () => {
    await expectError(
      await fold({ ratings: [{ item: 'item-1', rating: 1 }] }),
      422,
      'fold_in_unsupported',
      /send "items"/,
    );
    await expectError(
      await sigmoidApp.request('/v1/recommendations', postJson({ items: ['item-1'] })),
      422,
      'fold_in_unsupported',
      /not trained with iALS/,
    );
    await expectError(
      await sigmoidApp.request('/v1/recommendations', postJson({ ratings: [{ item: 'item-1', rating: 1 }] })),
      422,
      'fold_in_unsupported',
      /cannot fold in a new user/,
    );
  });

  it('answers 400 to order=rating', async () => {
    await expectError(
      await fold({ items: ['item-1'], order: 'rating' }),
      400,
      'invalid_request',
      /body field "order": "rating" is not available here/,
    );
    expect((await fold({ items: ['item-1'], order: 'score' })).status).toBe(200);
  });
});
