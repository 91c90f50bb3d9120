import {
  foldInUser,
  mulberry32,
  predict,
  seenBy,
  serializeArtifact,
  type LoadedArtifact,
  type RecommenderModel,
} from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_HEADER } from '../src/model-store';
import { K_MAX, MAX_CANDIDATES, MAX_EXCLUDE, MAX_FOLD_IN_RATINGS } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import { allItems, bruteByItemBias, bruteForQuery, bruteForUser, type Ranked } from './helpers/reference';
import { FRESH_USER_ID, HEAVY_USER_ID, ODD_USER_ID, makeTestModel, testMetadata } from './helpers/test-model';
import { loadTestArtifact, textLoader, unitApp } from './helpers/unit-app';

interface Item {
  item: string;
  rating: number;
  unclippedRating: number;
  raw: number;
}
interface Recommendations {
  user: string;
  k: number;
  items: Item[];
  excludedSeen: number;
  seenItems: boolean;
  coldStart: boolean;
  fallback?: string;
  exclude?: { requested: number; unknown: number };
  candidates?: { requested: number; unknown: string[] };
}
interface FoldIn {
  k: number;
  items: Item[];
  foldedIn: { ratings: number; unknownItems: string[]; l2: number };
  exclude?: { requested: number; unknown: number };
  candidates?: { requested: number; unknown: string[] };
}

// The app serves one parse of the test artifact; expectations come from another parse of the same
// text, ranked by brute force (test/helpers/reference.ts).
let reference: LoadedArtifact;
let model: RecommenderModel;
const t = unitApp();

beforeAll(async () => {
  reference = await loadTestArtifact();
  model = reference.model;
});

const id = (i: number) => model.items.ids[i]!;
const index = (item: string) => model.items.indexOf(item)!;
const seenOf = (u: number) => Array.from(seenBy(model.seen!, u));
const userPath = (user: string, query = '') => `/v1/users/${encodeURIComponent(user)}/recommendations${query}`;
const list = (ids: readonly string[]) => ids.map(encodeURIComponent).join(',');

function expectRanking(actual: Item[], expected: Ranked[]) {
  expect(actual.map((r) => r.item)).toEqual(expected.map((e) => e.item));
  actual.forEach((r, n) => {
    expect(Math.abs(r.rating - expected[n]!.rating)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.unclippedRating - expected[n]!.unclippedRating)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.raw - expected[n]!.raw)).toBeLessThanOrEqual(1e-6);
  });
}

/** Fisher-Yates with a seeded generator. */
function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('GET /v1/users/{user}/recommendations: exclude and candidates', () => {
  it('never returns an excluded item; unknown exclude ids are ignored and counted', async () => {
    const u = 3;
    const full = bruteForUser(
      model,
      u,
      allItems(model).filter((i) => !seenOf(u).includes(i)),
      100,
    );
    const dropped = [full[0]!.item, full[2]!.item, full[5]!.item];
    const exclude = [...dropped, 'no-such-item', id(seenOf(u)[0]!), 'é✓ unknown'];
    const res = await t.request(userPath('user-3', `?k=10&exclude=${list(exclude)}`));
    const recs = await readJson<Recommendations>(res);
    expect(res.status).toBe(200);
    expect(recs).toMatchObject({
      user: 'user-3',
      k: 10,
      coldStart: false,
      excludedSeen: seenOf(u).length,
      exclude: { requested: 6, unknown: 2 },
    });
    expect(recs).not.toHaveProperty('fallback');
    expect(recs).not.toHaveProperty('candidates');
    expectRanking(recs.items, full.filter((e) => !dropped.includes(e.item)).slice(0, 10));
  });

  it('ranks only the candidates, in any order, and reports unknown candidates', async () => {
    const u = 5;
    const seen = seenOf(u);
    const unseen = allItems(model).filter((i) => !seen.includes(i));
    const candidates = [unseen[4]!, unseen[1]!, unseen[9]!, unseen[20]!, seen[0]!, unseen[33]!].map(id);
    const expected = bruteForUser(model, u, [unseen[1]!, unseen[4]!, unseen[9]!, unseen[20]!, unseen[33]!], 3);
    const random = mulberry32(7);
    for (let n = 0; n < 4; n++) {
      const order = shuffled([...candidates, 'ghost-item', 'another-ghost'], random);
      const recs = await readJson<Recommendations>(
        await t.request(userPath('user-5', `?k=3&candidates=${list(order)}`)),
      );
      expectRanking(recs.items, expected);
      expect(recs.candidates).toEqual({ requested: 8, unknown: order.filter((c) => c.includes('ghost')) });
      expect(recs).not.toHaveProperty('exclude');
    }
  });

  it('returns every eligible candidate, best first, when k is larger than the candidates', async () => {
    const u = 3;
    const unseen = allItems(model).filter((i) => !seenOf(u).includes(i));
    const picked = [unseen[0]!, unseen[7]!, unseen[12]!, unseen[30]!];
    const recs = await readJson<Recommendations>(
      await t.request(userPath('user-3', `?k=${K_MAX}&candidates=${list(picked.map(id))}&exclude=${id(unseen[7]!)}`)),
    );
    expectRanking(recs.items, bruteForUser(model, u, [unseen[0]!, unseen[12]!, unseen[30]!], K_MAX));
    expect(recs).toMatchObject({
      k: K_MAX,
      exclude: { requested: 1, unknown: 0 },
      candidates: { requested: 4, unknown: [] },
    });
  });

  it('counts repeated ids once and ignores empty list entries', async () => {
    const recs = await readJson<Recommendations>(
      await t.request(userPath('user-3', '?exclude=item-1,,item-1,item-2,&candidates=item-1,item-5,item-5,,item-6')),
    );
    expect(recs.exclude).toEqual({ requested: 2, unknown: 0 });
    expect(recs.candidates).toEqual({ requested: 3, unknown: [] });
    for (const r of recs.items) expect(['item-5', 'item-6']).toContain(r.item);
  });

  it('treats empty lists as given: exclude= excludes nothing, candidates= ranks nothing', async () => {
    const plain = await readJson<Recommendations>(await t.request(userPath('user-3', '?k=5')));
    const emptyExclude = await readJson<Recommendations>(await t.request(userPath('user-3', '?k=5&exclude=')));
    expect(emptyExclude.items).toEqual(plain.items);
    expect(emptyExclude.exclude).toEqual({ requested: 0, unknown: 0 });
    const emptyCandidates = await readJson<Recommendations>(await t.request(userPath('user-3', '?k=5&candidates=')));
    expect(emptyCandidates).toMatchObject({ items: [], candidates: { requested: 0, unknown: [] } });
  });

  it('accepts unicode and percent-encoded ids in the lists', async () => {
    const recs = await readJson<Recommendations>(
      await t.request(
        userPath(
          ODD_USER_ID,
          `?exclude=${encodeURIComponent('ünïcødé/✓,item-1')}&candidates=${encodeURIComponent('item-1,item-2,👀')}`,
        ),
      ),
    );
    expect(recs.user).toBe(ODD_USER_ID);
    expect(recs.exclude).toEqual({ requested: 2, unknown: 1 });
    expect(recs.candidates).toEqual({ requested: 3, unknown: ['👀'] });
    expect(recs.items.map((r) => r.item)).not.toContain('item-1');
  });

  it('matches a brute-force ranking for random k, exclude and candidates, for every user and unknown users', async () => {
    const random = mulberry32(20260427);
    const pick = (pool: readonly number[], count: number) => shuffled(pool, random).slice(0, count);
    const users = [...model.users.ids, 'ghost-a', 'ghost-b', 'ghost-c'];
    for (const user of users) {
      const u = model.users.indexOf(user);
      const seen = u === undefined ? [] : seenOf(u);
      const k = 1 + Math.floor(random() * 30);
      const excludeIdx = pick(allItems(model), Math.floor(random() * 12));
      const exclude = [...excludeIdx.map(id), ...(random() < 0.5 ? ['ghost-item'] : [])];
      const useCandidates = random() < 0.6;
      const candidateIdx = useCandidates ? pick(allItems(model), Math.floor(random() * 40)) : [];
      const candidates = [...candidateIdx.map(id), ...(random() < 0.5 ? ['ghost-candidate'] : [])];
      const query = `?k=${k}&exclude=${list(exclude)}${useCandidates ? `&candidates=${list(candidates)}` : ''}`;
      const res = await t.request(userPath(user, query));
      const recs = await readJson<Recommendations>(res);
      expect(res.status).toBe(200);
      const pool = useCandidates ? candidateIdx : allItems(model);
      const eligible = pool.filter((i) => !seen.includes(i) && !excludeIdx.includes(i));
      const expected = u === undefined ? bruteByItemBias(model, eligible, k) : bruteForUser(model, u, eligible, k);
      expectRanking(recs.items, expected);
      expect(recs.items.length).toBe(Math.min(k, eligible.length));
      expect(recs.coldStart).toBe(u === undefined);
      expect(recs.excludedSeen).toBe(seen.length);
      expect(recs.exclude).toEqual({ requested: exclude.length, unknown: exclude.length - excludeIdx.length });
      if (useCandidates)
        expect(recs.candidates).toEqual({
          requested: candidates.length,
          unknown: candidates.filter((c) => c === 'ghost-candidate'),
        });
      for (const r of recs.items) {
        expect(exclude).not.toContain(r.item);
        expect(seen).not.toContain(index(r.item));
        if (useCandidates) expect(candidates).toContain(r.item);
      }
    }
  });

  it('excludes only the extra ids of a user who rated almost everything', async () => {
    const recs = await readJson<Recommendations>(await t.request(userPath(HEAVY_USER_ID, '?k=10&exclude=item-1')));
    expect(recs.items.map((r) => r.item).sort()).toEqual(['item-0', 'item-2']);
  });
});

describe('GET /v1/users/{user}/recommendations: cold start', () => {
  it('ranks items by item bias for an unknown user, flagged coldStart / item-bias', async () => {
    const res = await t.request(userPath('ghost', '?k=12'));
    const recs = await readJson<Recommendations>(res);
    expect(res.status).toBe(200);
    expect(res.headers.get(MODEL_HEADER)).toBe(reference.meta.sha256.slice(0, 12));
    expect(recs).toMatchObject({
      user: 'ghost',
      k: 12,
      coldStart: true,
      fallback: 'item-bias',
      excludedSeen: 0,
      seenItems: true,
    });
    expectRanking(recs.items, bruteByItemBias(model, allItems(model), 12));
  });

  it('gives every unknown user the same ranking (unicode ids included)', async () => {
    const a = await readJson<Recommendations>(await t.request(userPath('ghost', '?k=20')));
    const b = await readJson<Recommendations>(await t.request(userPath('nouvel utilisateur ✓/é', '?k=20')));
    expect(b.user).toBe('nouvel utilisateur ✓/é');
    expect(b.items).toEqual(a.items);
  });

  it('answers 404 unknown_user with coldStart=error', async () => {
    const res = await t.request(userPath('ghost', '?coldStart=error'));
    expect(res.headers.get(MODEL_HEADER)).toBe(reference.meta.sha256.slice(0, 12));
    const error = await expectError(res, 404, 'unknown_user');
    expect(error.message).toContain('"ghost"');
  });

  it('serves a known user normally with coldStart=error or =fallback', async () => {
    const plain = await readJson<Recommendations>(await t.request(userPath('user-3', '?k=5')));
    for (const mode of ['error', 'fallback']) {
      const recs = await readJson<Recommendations>(await t.request(userPath('user-3', `?k=5&coldStart=${mode}`)));
      expect(recs).toEqual(plain);
      expect(recs.coldStart).toBe(false);
      expect(recs).not.toHaveProperty('fallback');
    }
  });

  it('is not confused with a known user who rated nothing', async () => {
    const recs = await readJson<Recommendations>(await t.request(userPath(FRESH_USER_ID, '?k=5')));
    expect(recs).toMatchObject({ coldStart: false, excludedSeen: 0 });
    expectRanking(recs.items, bruteForUser(model, model.users.indexOf(FRESH_USER_ID)!, allItems(model), 5));
  });
});

describe('GET /v1/users/{user}/recommendations: query validation', () => {
  it.each([
    ['k=NaN', 'k=NaN', /query parameter "k": must be an integer from 1 to 100/],
    ['k=Infinity', 'k=Infinity', /"k": must be an integer/],
    ['k=-0', 'k=-0', /"k": must be an integer/],
    ['k=0x10', 'k=0x10', /"k": must be an integer/],
    ['k=1e1', 'k=1e1', /"k": must be an integer/],
    ['a huge k', `k=${'9'.repeat(30)}`, /"k": must be an integer/],
    ['coldStart=maybe', 'coldStart=maybe', /query parameter "coldStart": must be "fallback" or "error"/],
    ['a repeated coldStart', 'coldStart=error&coldStart=error', /"coldStart"/],
    [
      'a repeated exclude',
      'exclude=item-1&exclude=item-2',
      /query parameter "exclude": must be one comma-separated list of ids/,
    ],
    [
      'a repeated candidates',
      'candidates=item-1&candidates=item-2',
      /query parameter "candidates": must be one comma-separated list/,
    ],
    [
      'an over-long exclude id',
      `exclude=item-1,${'x'.repeat(257)}`,
      /query parameter "exclude": id 2 is longer than 256 characters/,
    ],
    [
      'an over-long candidate id',
      `candidates=${'x'.repeat(257)}`,
      /query parameter "candidates": id 1 is longer than 256 characters/,
    ],
    [
      `${MAX_CANDIDATES + 1} candidates`,
      `candidates=${Array.from({ length: MAX_CANDIDATES + 1 }, (_, n) => `c${n}`).join(',')}`,
      `query parameter "candidates": at most ${MAX_CANDIDATES} ids (got ${MAX_CANDIDATES + 1})`,
    ],
    [
      `${MAX_EXCLUDE + 1} exclude ids`,
      `exclude=${Array.from({ length: MAX_EXCLUDE + 1 }, (_, n) => `e${n}`).join(',')}`,
      `query parameter "exclude": at most ${MAX_EXCLUDE} ids (got ${MAX_EXCLUDE + 1})`,
    ],
  ])('answers 400 invalid_request for %s', async (_name, query, message) => {
    await expectError(await t.request(userPath('user-3', `?${query}`)), 400, 'invalid_request', message);
  });

  it('validates the query before looking at the user (an unknown user with a bad k is a 400)', async () => {
    await expectError(await t.request(userPath('ghost', '?k=0&coldStart=error')), 400, 'invalid_request');
  });

  it(`accepts exactly ${MAX_CANDIDATES} candidates (duplicates counted once) and ignores unknown parameters`, async () => {
    const many = Array.from({ length: MAX_CANDIDATES }, (_, n) => (n < model.items.size ? id(n) : `c${n}`));
    const recs = await readJson<Recommendations>(
      await t.request(userPath('user-3', `?k=5&candidates=${many.join(',')},item-0&foo=bar`)),
    );
    expect(recs.candidates!.requested).toBe(MAX_CANDIDATES);
    expect(recs.candidates!.unknown).toHaveLength(MAX_CANDIDATES - model.items.size);
    expect(recs.items).toHaveLength(5);
  });
});

describe('POST /v1/recommendations (fold-in)', () => {
  /** A known user's training items, rated as the model predicts them: the user's "own ratings". */
  const ownRatings = (u: number) => seenOf(u).map((i) => ({ item: id(i), rating: predict(model, u, i).rating }));
  /** Users with enough ratings and enough unseen items for a meaningful top-10. */
  const foldableUsers = () =>
    Array.from({ length: model.users.size }, (_, u) => u).filter(
      (u) => seenOf(u).length >= 5 && model.items.size - seenOf(u).length >= 20,
    );

  it("lands close to the trained user: folding in a user's own ratings overlaps ≥ 7 of their top-10, for every user", async () => {
    const users = foldableUsers();
    expect(users.length).toBeGreaterThan(40);
    for (const u of users) {
      // A light ridge: the ratings are the model's own, noise-free predictions (see the default's test below).
      const folded = await readJson<FoldIn>(
        await t.request('/v1/recommendations', postJson({ ratings: ownRatings(u), k: 10, l2: 0.001 })),
      );
      const trained = await readJson<Recommendations>(await t.request(userPath(model.users.ids[u]!, '?k=10')));
      const overlap = folded.items.filter((r) => trained.items.some((s) => s.item === r.item)).length;
      expect({ user: model.users.ids[u], overlap: overlap >= 7 }).toEqual({ user: model.users.ids[u], overlap: true });
      expect(folded.foldedIn).toEqual({ ratings: seenOf(u).length, unknownItems: [], l2: 0.001 });
    }
  });

  it('with the default ridge: equals core foldInUser + a brute-force ranking, and beats the item-bias fallback', async () => {
    let foldedOverlap = 0;
    let biasOverlap = 0;
    const users = foldableUsers();
    for (const u of users) {
      const seen = seenOf(u);
      const ratings = ownRatings(u);
      const folded = await readJson<FoldIn>(await t.request('/v1/recommendations', postJson({ ratings })));
      const query = foldInUser(
        model,
        ratings.map((r) => ({ item: index(r.item), rating: r.rating })),
      );
      const eligible = allItems(model).filter((i) => !seen.includes(i));
      expectRanking(folded.items, bruteForQuery(model, query, eligible, 10));
      expect(folded).toMatchObject({ k: 10, foldedIn: { ratings: seen.length, l2: 0.3 } });
      const trained = new Set(bruteForUser(model, u, eligible, 10).map((r) => r.item));
      foldedOverlap += folded.items.filter((r) => trained.has(r.item)).length;
      biasOverlap += bruteByItemBias(model, eligible, 10).filter((r) => trained.has(r.item)).length;
    }
    expect(foldedOverlap).toBeGreaterThan(biasOverlap);
  });

  it('skips unknown rated items, lists them once, and never returns a rated or excluded item', async () => {
    const u = 4;
    const own = ownRatings(u);
    const ratings = [
      { item: 'ghost-1', rating: 3 },
      ...own,
      { item: 'ghost-2', rating: 5 },
      { item: 'ghost-1', rating: 4 },
    ];
    const exclude = ['item-0', 'ghost-x'];
    const res = await t.request('/v1/recommendations', postJson({ ratings, k: K_MAX, exclude }));
    const folded = await readJson<FoldIn>(res);
    expect(res.status).toBe(200);
    expect(res.headers.get(MODEL_HEADER)).toBe(reference.meta.sha256.slice(0, 12));
    expect(folded.foldedIn).toMatchObject({ ratings: own.length, unknownItems: ['ghost-1', 'ghost-2'] });
    expect(folded.exclude).toEqual({ requested: 2, unknown: 1 });
    const rated = new Set(own.map((r) => r.item));
    const excluded = new Set(['item-0', ...rated]);
    expect(folded.items).toHaveLength(model.items.size - excluded.size);
    for (const r of folded.items) expect(excluded.has(r.item)).toBe(false);
  });

  it('re-ranks candidates (unknown ones reported; rated candidates skipped; k larger than the candidates)', async () => {
    const ratings = [
      { item: 'item-1', rating: 5 },
      { item: 'item-2', rating: 1 },
      { item: 'item-3', rating: 4.5 },
    ];
    const candidates = ['item-40', 'item-2', 'item-10', 'nope', 'item-77', 'item-10'];
    const folded = await readJson<FoldIn>(
      await t.request('/v1/recommendations', postJson({ ratings, k: 50, candidates, exclude: ['item-77'] })),
    );
    const query = foldInUser(
      model,
      ratings.map((r) => ({ item: index(r.item), rating: r.rating })),
    );
    expectRanking(folded.items, bruteForQuery(model, query, [10, 40], 50));
    expect(folded.candidates).toEqual({ requested: 5, unknown: ['nope'] });
    const reversed = await readJson<FoldIn>(
      await t.request(
        '/v1/recommendations',
        postJson({ ratings, k: 50, candidates: [...candidates].reverse(), exclude: ['item-77'] }),
      ),
    );
    expect(reversed.items).toEqual(folded.items);
  });

  it('keeps the last rating of a repeated item', async () => {
    const once = await readJson<FoldIn>(
      await t.request(
        '/v1/recommendations',
        postJson({
          ratings: [
            { item: 'item-3', rating: 5 },
            { item: 'item-9', rating: 2 },
          ],
          k: 20,
        }),
      ),
    );
    const twice = await readJson<FoldIn>(
      await t.request(
        '/v1/recommendations',
        postJson({
          ratings: [
            { item: 'item-3', rating: 1 },
            { item: 'item-9', rating: 2 },
            { item: 'item-3', rating: 5 },
          ],
          k: 20,
        }),
      ),
    );
    expect(twice.items).toEqual(once.items);
    expect(twice.foldedIn.ratings).toBe(2);
  });

  it('accepts the scale bounds and a single rating', async () => {
    for (const rating of [1, 5]) {
      const res = await t.request('/v1/recommendations', postJson({ ratings: [{ item: 'item-8', rating }], k: 3 }));
      expect(res.status).toBe(200);
      expect((await readJson<FoldIn>(res)).items).toHaveLength(3);
    }
  });

  it(`accepts ${MAX_FOLD_IN_RATINGS} ratings and answers 413 batch_too_large above that`, async () => {
    const ratings = Array.from({ length: MAX_FOLD_IN_RATINGS }, (_, n) => ({
      item: id(n % model.items.size),
      rating: 1 + (n % 5),
    }));
    expect((await t.request('/v1/recommendations', postJson({ ratings }))).status).toBe(200);
    await expectError(
      await t.request('/v1/recommendations', postJson({ ratings: [...ratings, { item: 'item-1', rating: 3 }] })),
      413,
      'batch_too_large',
      `body field "ratings": at most ${MAX_FOLD_IN_RATINGS} ratings per request (got ${MAX_FOLD_IN_RATINGS + 1})`,
    );
  });

  it('answers 422 no_known_items when the model knows none of the rated items', async () => {
    const error = await expectError(
      await t.request(
        '/v1/recommendations',
        postJson({
          ratings: [
            { item: 'ghost-1', rating: 3 },
            { item: 'ghost-2', rating: 4 },
            { item: 'ghost-1', rating: 2 },
          ],
        }),
      ),
      422,
      'no_known_items',
    );
    expect(error.message).toContain('none of the 2 rated items');
    expect(error.message).toContain('"ghost-1", "ghost-2"');
    const single = await expectError(
      await t.request('/v1/recommendations', postJson({ ratings: [{ item: 'ghost-1', rating: 3 }] })),
      422,
      'no_known_items',
    );
    expect(single.message).toMatch(
      /^the model does not know the rated item "ghost-1": fold-in needs at least one rating/,
    );
  });

  it.each([
    [
      'a rating above the scale',
      {
        ratings: [
          { item: 'item-1', rating: 4 },
          { item: 'item-2', rating: 6 },
        ],
      },
      /body field "ratings\[1\]\.rating": 6 is outside the model's rating scale 1 to 5/,
    ],
    ['a rating below the scale', { ratings: [{ item: 'item-1', rating: 0 }] }, /"ratings\[0\]\.rating": 0 is outside/],
    [
      'an unknown item rated outside the scale',
      {
        ratings: [
          { item: 'item-1', rating: 3 },
          { item: 'ghost', rating: 10 },
        ],
      },
      /"ratings\[1\]\.rating": 10 is outside/,
    ],
    ['no ratings field', {}, /body field "ratings": is required/],
    ['an empty ratings array', { ratings: [] }, /body field "ratings": must hold at least one rating/],
    [
      'ratings that are not an array',
      { ratings: { item: 'item-1', rating: 3 } },
      /body field "ratings": must be an array/,
    ],
    [
      'a rating as a string',
      { ratings: [{ item: 'item-1', rating: '3' }] },
      /body field "ratings\[0\]\.rating": must be a number/,
    ],
    ['a missing item', { ratings: [{ rating: 3 }] }, /body field "ratings\[0\]\.item": is required/],
    ['an empty item id', { ratings: [{ item: '', rating: 3 }] }, /"ratings\[0\]\.item": must not be empty/],
    ['k = 0', { ratings: [{ item: 'item-1', rating: 3 }], k: 0 }, /body field "k": must be an integer from 1 to 100/],
    ['k = 2.5', { ratings: [{ item: 'item-1', rating: 3 }], k: 2.5 }, /body field "k": must be an integer/],
    ['k = 101', { ratings: [{ item: 'item-1', rating: 3 }], k: 101 }, /body field "k": must be an integer/],
    ['k as a string', { ratings: [{ item: 'item-1', rating: 3 }], k: '10' }, /body field "k": must be an integer/],
    [
      'exclude as a string',
      { ratings: [{ item: 'item-1', rating: 3 }], exclude: 'item-2' },
      /body field "exclude": must be an array of item ids/,
    ],
    [
      'a numeric candidate',
      { ratings: [{ item: 'item-1', rating: 3 }], candidates: [2] },
      /body field "candidates\[0\]": must be a string/,
    ],
    [
      `${MAX_CANDIDATES + 1} candidates`,
      {
        ratings: [{ item: 'item-1', rating: 3 }],
        candidates: Array.from({ length: MAX_CANDIDATES + 1 }, (_, n) => `c${n}`),
      },
      `body field "candidates": at most ${MAX_CANDIDATES} ids (got ${MAX_CANDIDATES + 1})`,
    ],
    [
      `${MAX_EXCLUDE + 1} exclude ids`,
      { ratings: [{ item: 'item-1', rating: 3 }], exclude: Array.from({ length: MAX_EXCLUDE + 1 }, (_, n) => `e${n}`) },
      /body field "exclude": at most/,
    ],
    [
      'l2 = 0',
      { ratings: [{ item: 'item-1', rating: 3 }], l2: 0 },
      /body field "l2": must be a number from 0.0001 to 100/,
    ],
    ['l2 = 1000', { ratings: [{ item: 'item-1', rating: 3 }], l2: 1000 }, /body field "l2": must be a number from/],
    ['a JSON array body', [{ item: 'item-1', rating: 3 }], /request body: /],
  ])('answers 400 invalid_request for %s', async (_name, body, message) => {
    await expectError(await t.request('/v1/recommendations', postJson(body)), 400, 'invalid_request', message);
  });

  it.each([
    ['a truncated body', '{"ratings": ['],
    ['an empty body', ''],
  ])('answers 400 invalid_json for %s', async (_name, body) => {
    await expectError(await t.request('/v1/recommendations', postJson(body)), 400, 'invalid_json', /not valid JSON/);
  });

  it('answers 415 unsupported_media_type for a non-JSON body', async () => {
    const res = await t.request('/v1/recommendations', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"ratings":[]}',
    });
    await expectError(res, 415, 'unsupported_media_type');
  });
});

describe('recommendations: ties at the top of the rating scale', () => {
  // A linear rating model whose best predictions overshoot the scale, so they clip to its maximum.
  const overshooting = { ...makeTestModel(), activation: 'linear' as const, globalBias: 0.9 };
  const text = serializeArtifact(overshooting, testMetadata(overshooting));
  const linear = unitApp(async (read) => textLoader(await text)(read));

  it('orders items by unclippedRating, which tells apart items whose clipped rating ties', async () => {
    const { max, min } = overshooting.scale;
    let clippedTies = 0;
    for (const user of overshooting.users.ids) {
      const body = await readJson<Recommendations>(await linear.request(userPath(user, `?k=${K_MAX}`)));
      body.items.forEach((r, n) => {
        expect(r.rating).toBeCloseTo(Math.min(max, Math.max(min, r.unclippedRating)), 9);
        const next = body.items[n + 1];
        if (!next) return;
        expect(r.unclippedRating).toBeGreaterThanOrEqual(next.unclippedRating);
        if (r.rating === max && next.rating === max) {
          clippedTies++;
          expect(r.unclippedRating).toBeGreaterThan(max);
        }
      });
    }
    expect(clippedTies).toBeGreaterThan(0); // the check above is not vacuous
  });

  it('GET /v1/score reports the unclipped rating beside the clipped one', async () => {
    const body = await readJson<Recommendations>(await linear.request(userPath('user-3', '?k=1')));
    const best = body.items[0]!;
    const score = await readJson<{ rating: number; unclippedRating: number }>(
      await linear.request(`/v1/score?user=user-3&item=${encodeURIComponent(best.item)}`),
    );
    expect(score).toMatchObject({ rating: best.rating, unclippedRating: best.unclippedRating });
  });
});
