import { predict, seenBy } from '@edgerec/core';
import { exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { MAX_BATCH } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import { ODD_USER_ID, TEST_MODEL, makeTestModel } from './helpers/test-model';

// These tests go through the worker's own fetch handler (src/index.ts), which serves the artifact
// bundled as a Text module; vitest.config.ts points that import at the artifact global-setup wrote.
const BASE = 'https://edgerec.test';
const fetchWorker = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${BASE}${path}`, init));

/** Every operation of the OpenAPI document. */
const OPERATIONS = [
  'GET /health',
  'GET /v1/model',
  'GET /v1/score',
  'POST /v1/score',
  'GET /v1/users/{user}/recommendations',
  'POST /v1/recommendations',
  'GET /v1/items/{item}/similar',
  'POST /v1/events',
  'DELETE /v1/users/{user}',
  'POST /admin/reload',
  'GET /admin/events',
];

// The bundled artifact is a serialization of this model, so scores must agree with predict on it.
const model = makeTestModel();

describe('bundled model', () => {
  it('GET /health answers ok', async () => {
    const res = await fetchWorker('/health');
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: 'ok' });
  });

  it('GET /v1/model describes the artifact global-setup generated', async () => {
    const info = await readJson<Record<string, unknown>>(await fetchWorker('/v1/model'));
    expect(info).toEqual({
      format: 'edgerec-model',
      version: 2,
      sha256: inject('testArtifactSha256'),
      createdAt: '2026-04-26T12:00:00.000Z',
      objective: 'rating',
      dim: TEST_MODEL.dim,
      activation: 'sigmoid',
      counts: { users: TEST_MODEL.users, items: TEST_MODEL.items, ratings: model.seen!.items.length },
      scale: { min: 1, max: 5 },
      recommendThreshold: { value: 3.5, source: 'artifact', artifact: 3.5 },
      ranking: null,
      coldStart: 'item-bias',
      foldIn: 'ratings',
      metrics: {
        validation: { rmse: 0.91, mae: 0.72, count: 120 },
        test: { rmse: 0.93, mae: 0.74, count: 118 },
        ranking: { validation: null, test: null },
      },
      training: { epochs: 12, bestEpoch: 10, backend: 'cpu', seconds: 1.25 },
      seenItems: true,
      signature: { signed: false, keyId: null, signedBy: null, enforced: false },
      served: {
        sha256: inject('testArtifactSha256'),
        createdAt: '2026-04-26T12:00:00.000Z',
        source: 'bundled',
        loadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
  });

  it('GET /v1/score equals core predict on the same model', async () => {
    for (const [u, i] of [
      [0, 0],
      [3, 5],
      [7, 79],
      [49, 40],
    ] as const) {
      const user = model.users.ids[u]!;
      const item = model.items.ids[i]!;
      const res = await fetchWorker(`/v1/score?user=${encodeURIComponent(user)}&item=${encodeURIComponent(item)}`);
      const score = await readJson<{ rating: number; raw: number; recommend: boolean; threshold: number }>(res);
      const expected = predict(model, u, i);
      expect(score).toMatchObject({ user, item, recommend: expected.recommend, threshold: 3.5 });
      expect(Math.abs(score.rating - expected.rating)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(score.raw - expected.raw)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('GET /v1/score honours a threshold override', async () => {
    const expected = predict(model, 3, 5, 1.5);
    const score = await readJson<{ recommend: boolean; threshold: number }>(
      await fetchWorker('/v1/score?user=user-3&item=item-5&threshold=1.5'),
    );
    expect(score).toMatchObject({ threshold: 1.5, recommend: expected.recommend });
    expect(score.recommend).toBe(true);
  });

  it('GET /v1/score answers 404 for unknown ids and 400 for missing ones', async () => {
    await expectError(await fetchWorker('/v1/score?user=nobody&item=item-5'), 404, 'unknown_user', /"nobody"/);
    await expectError(await fetchWorker('/v1/score?user=user-3&item=item-x'), 404, 'unknown_item', /"item-x"/);
    await expectError(await fetchWorker('/v1/score?user=user-3'), 400, 'invalid_request', /"item"/);
  });

  it('POST /v1/score scores a mixed batch', async () => {
    const res = await fetchWorker(
      '/v1/score',
      postJson({
        pairs: [
          { user: ODD_USER_ID, item: 'item-2' },
          { user: 'ghost', item: 'item-2' },
          { user: 'user-0', item: 'item-x' },
        ],
      }),
    );
    expect(res.status).toBe(200);
    const { results } = await readJson<{ results: Record<string, unknown>[] }>(res);
    expect(results).toHaveLength(3);
    expect(results[0]!.rating).toBeCloseTo(predict(model, 7, 2).rating, 6);
    expect(results[1]).toMatchObject({ user: 'ghost', error: { code: 'unknown_user' } });
    expect(results[2]).toMatchObject({ item: 'item-x', error: { code: 'unknown_item' } });
  });

  it('POST /v1/score refuses bad bodies', async () => {
    await expectError(await fetchWorker('/v1/score', postJson('{nope')), 400, 'invalid_json');
    await expectError(
      await fetchWorker('/v1/score', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'user-3,item-5',
      }),
      415,
      'unsupported_media_type',
    );
    const pairs = Array.from({ length: MAX_BATCH + 1 }, () => ({ user: 'user-3', item: 'item-5' }));
    await expectError(
      await fetchWorker('/v1/score', postJson({ pairs })),
      413,
      'batch_too_large',
      /at most 1000 pairs/,
    );
  });

  it('GET /v1/users/{user}/recommendations excludes the seen items', async () => {
    for (const u of [0, 3, 7, 42]) {
      const user = model.users.ids[u]!;
      const seen = Array.from(seenBy(model.seen!, u), (i) => model.items.ids[i]);
      const recs = await readJson<{ k: number; items: { item: string; rating: number }[]; excludedSeen: number }>(
        await fetchWorker(`/v1/users/${encodeURIComponent(user)}/recommendations?k=100`),
      );
      expect(seen.length).toBeGreaterThan(0);
      expect(recs.excludedSeen).toBe(seen.length);
      expect(recs.items).toHaveLength(TEST_MODEL.items - seen.length);
      expect(recs.items.filter((r) => seen.includes(r.item))).toEqual([]);
      const ratings = recs.items.map((r) => r.rating);
      expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
    }
  });

  it('GET /v1/users/{user}/recommendations validates k and the user', async () => {
    for (const k of ['0', '101', '-1', '2.5', 'abc']) {
      await expectError(await fetchWorker(`/v1/users/user-3/recommendations?k=${k}`), 400, 'invalid_request', /"k"/);
    }
    await expectError(
      await fetchWorker('/v1/users/ghost/recommendations?coldStart=error'),
      404,
      'unknown_user',
      /"ghost"/,
    );
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    await expectError(await fetchWorker('/v2/score'), 404, 'not_found');
    const res = await fetchWorker('/v1/score', { method: 'DELETE' });
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    await expectError(res, 405, 'method_not_allowed');
  });
});

describe('serving API through the worker', () => {
  it('GET /v1/users/{user}/recommendations falls back to item bias for an unknown user, or 404s with coldStart=error', async () => {
    const res = await fetchWorker('/v1/users/ghost/recommendations?k=5&exclude=item-1,nope');
    const recs = await readJson<{ coldStart: boolean; fallback: string; items: unknown[]; exclude: unknown }>(res);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-edgerec-model')).toBe(inject('testArtifactSha256').slice(0, 12));
    expect(recs).toMatchObject({ coldStart: true, fallback: 'item-bias', exclude: { requested: 2, unknown: 1 } });
    expect(recs.items).toHaveLength(5);
    await expectError(
      await fetchWorker('/v1/users/ghost/recommendations?coldStart=error'),
      404,
      'unknown_user',
      /"ghost"/,
    );
  });

  it('GET /v1/users/{user}/recommendations re-ranks candidates', async () => {
    const recs = await readJson<{ items: { item: string }[]; candidates: unknown }>(
      await fetchWorker('/v1/users/user-0/recommendations?candidates=item-70,item-71,zzz&k=10'),
    );
    expect(recs.candidates).toEqual({ requested: 3, unknown: ['zzz'] });
    for (const r of recs.items) expect(['item-70', 'item-71']).toContain(r.item);
  });

  it('GET /v1/items/{item}/similar and POST /v1/recommendations answer', async () => {
    const similar = await readJson<{ item: string; items: { item: string; similarity: number }[] }>(
      await fetchWorker('/v1/items/item-5/similar?k=4'),
    );
    expect(similar.item).toBe('item-5');
    expect(similar.items).toHaveLength(4);
    await expectError(await fetchWorker('/v1/items/item-x/similar'), 404, 'unknown_item');
    const folded = await readJson<{ items: { item: string }[]; foldedIn: unknown }>(
      await fetchWorker(
        '/v1/recommendations',
        postJson({
          ratings: [
            { item: 'item-5', rating: 5 },
            { item: 'ghost', rating: 2 },
          ],
          k: 3,
        }),
      ),
    );
    expect(folded.items.map((r) => r.item)).not.toContain('item-5');
    expect(folded.foldedIn).toEqual({ ratings: 1, unknownItems: ['ghost'], l2: 0.3 });
  });

  it('sends no CORS headers with the default CORS_ORIGINS (empty in wrangler.jsonc)', async () => {
    const res = await fetchWorker('/v1/model', { headers: { origin: 'https://app.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('API documents', () => {
  interface OpenApiDocument {
    openapi: string;
    info: { title: string; version: string; description: string };
    paths: Record<
      string,
      Record<string, { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>
    >;
    components: { schemas: Record<string, unknown> };
  }

  it('GET /openapi.json is an OpenAPI 3 document listing every route', async () => {
    const doc = await readJson<OpenApiDocument>(await fetchWorker('/openapi.json'));
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'edgerec', version: expect.any(String) });
    expect(doc.info.description).toContain(`${MAX_BATCH} pairs (MAX_BATCH)`);
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual([...OPERATIONS].sort());
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) expect(op.responses).toHaveProperty('200');
    }
    const recs = doc.paths['/v1/users/{user}/recommendations']!.get!;
    expect(recs.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'user', in: 'path' }),
        expect.objectContaining({ name: 'k', in: 'query' }),
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Error',
        'Score',
        'PairError',
        'BatchScoreRequest',
        'BatchScores',
        'ModelInfo',
        'ServedModel',
        'Recommendations',
        'FoldInRequest',
        'FoldInRecommendations',
        'SimilarItems',
        'Health',
      ]),
    );
    expect(doc.components.schemas.BatchScoreRequest).toMatchObject({
      properties: { pairs: { minItems: 1, maxItems: MAX_BATCH } },
    });
  });

  it('GET /docs is a self-contained HTML page covering every route', async () => {
    const res = await fetchWorker('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const op of OPERATIONS) {
      expect(html).toContain(op);
    }
    expect(html).toContain('href="/openapi.json"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
