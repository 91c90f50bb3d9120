import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_HEADER } from '../src/model-store';
import { postJson, readJson } from './helpers/http';
import { loadArtifact, makeVersion1Artifact } from './helpers/interaction-model';
import { keysDeep } from './helpers/reference';
import { ODD_USER_ID } from './helpers/test-model';
import { loadTestArtifact, unitApp } from './helpers/unit-app';

// A version-1 file (a rating model, no popularity, no ranking head) is served exactly as before:
// every answer equals the one for the same model written as version 2 (which the other unit tests
// check against core), item-bias cold start, `{ item, rating, raw }` items, no `order`.

let v1Text = '';
const v1 = unitApp(() => loadArtifact(v1Text));
const v2 = unitApp(() => loadTestArtifact());

beforeAll(async () => {
  v1Text = await makeVersion1Artifact();
});

const requests: [string, RequestInit | undefined][] = [
  ['/v1/score?user=user-3&item=item-5', undefined],
  ['/v1/score?user=user-3&item=item-5&threshold=4.5', undefined],
  ['/v1/score?user=ghost&item=item-5', undefined],
  [
    '/v1/score',
    postJson({
      pairs: [
        { user: 'user-0', item: 'item-1' },
        { user: ODD_USER_ID, item: 'item-79' },
        { user: 'user-1', item: 'nope' },
      ],
    }),
  ],
  ['/v1/users/user-3/recommendations?k=10', undefined],
  ['/v1/users/user-3/recommendations?k=10&order=rating', undefined],
  ['/v1/users/user-3/recommendations?k=10&order=score', undefined],
  [
    '/v1/users/user-5/recommendations?k=4&exclude=item-1,item-2,nope&candidates=item-1,item-3,item-9,item-40,ghost',
    undefined,
  ],
  ['/v1/users/ghost/recommendations?k=12', undefined],
  ['/v1/users/ghost/recommendations?k=12&order=rating&exclude=item-7', undefined],
  ['/v1/users/ghost/recommendations?coldStart=error', undefined],
  [
    '/v1/recommendations',
    postJson({
      ratings: [
        { item: 'item-5', rating: 5 },
        { item: 'item-47', rating: 2 },
        { item: 'item-999', rating: 4 },
      ],
      k: 3,
      exclude: ['item-62'],
    }),
  ],
  ['/v1/recommendations', postJson({ ratings: [{ item: 'item-5', rating: 5 }], k: 5, l2: 2, order: 'rating' })],
  ['/v1/recommendations', postJson({ ratings: [{ item: 'ghost', rating: 3 }] })],
  ['/v1/items/item-5/similar?k=5', undefined],
];

describe('a version-1 artifact', () => {
  it('parses as a rating model of file version 1', async () => {
    const { meta, model } = await loadArtifact(v1Text);
    expect(meta.fileVersion).toBe(1);
    expect(JSON.parse(v1Text)).not.toHaveProperty('objective');
    expect(model.objective).toBe('rating');
    expect(model.popularity).toBeUndefined();
    expect(model.ranking).toBeUndefined();
  });

  it.each(requests.map(([path, init]) => [`${init?.method ?? 'GET'} ${path}`, path, init] as const))(
    'answers %s exactly like the same model written as version 2',
    async (_name, path, init) => {
      const a = await v1.request(path, init && { ...init });
      const b = await v2.request(path, init && { ...init });
      expect(a.status).toBe(b.status);
      expect(await a.text()).toBe(await b.text());
      expect(a.headers.get(MODEL_HEADER)).toMatch(/^[0-9a-f]{12}$/);
      expect(a.headers.get(MODEL_HEADER)).not.toBe(b.headers.get(MODEL_HEADER));
    },
  );

  it('keeps the version-1 response shapes: { item, rating, unclippedRating, raw } items, item-bias cold start, no order, no score', async () => {
    const known = await readJson<{ items: object[] }>(await v1.request('/v1/users/user-3/recommendations?k=5'));
    const cold = await readJson<{ items: object[]; fallback: string }>(
      await v1.request('/v1/users/ghost/recommendations?k=5'),
    );
    for (const body of [known, cold]) {
      for (const item of body.items) expect(Object.keys(item)).toEqual(['item', 'rating', 'unclippedRating', 'raw']);
      expect(body).not.toHaveProperty('order');
      expect(keysDeep(body).has('score')).toBe(false);
      expect(keysDeep(body).has('popularity')).toBe(false);
    }
    expect(Object.keys(known)).toEqual(['user', 'k', 'items', 'excludedSeen', 'seenItems', 'coldStart']);
    expect(cold.fallback).toBe('item-bias');
  });

  it('GET /v1/model says version 1, objective rating, item-bias cold start, ratings fold-in, no ranking head', async () => {
    const a = await readJson<Record<string, unknown>>(await v1.request('/v1/model'));
    const b = await readJson<Record<string, unknown>>(await v2.request('/v1/model'));
    expect(a).toMatchObject({
      version: 1,
      objective: 'rating',
      ranking: null,
      coldStart: 'item-bias',
      foldIn: 'ratings',
      metrics: { ranking: { validation: null, test: null } },
    });
    const { version: _a, sha256: _sa, served: _va, ...restA } = a;
    const { version: _b, sha256: _sb, served: _vb, ...restB } = b;
    expect(restA).toEqual(restB);
  });
});
