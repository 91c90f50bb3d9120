import { describe, expect, it } from 'vitest';
import { MAX_BATCH, MAX_BODY_BYTES } from '../src/schemas';
import { allowedMethods } from '../src/not-found';
import { expectError, postJson, readJson } from './helpers/http';
import { ODD_USER_ID } from './helpers/test-model';
import { unitApp } from './helpers/unit-app';

interface Score {
  user: string;
  item: string;
  rating: number;
  threshold: number;
  recommend: boolean;
}
interface Recommendations {
  user: string;
  k: number;
  items: unknown[];
}

const t = unitApp();

describe('GET /v1/score validation', () => {
  it.each([
    ['no parameters', '', /query parameter "user": is required; query parameter "item": is required/],
    ['no user', '?item=item-5', /query parameter "user": is required/],
    ['no item', '?user=user-3', /query parameter "item": is required/],
    ['an empty user', '?user=&item=item-5', /query parameter "user": must not be empty/],
    ['a repeated user', '?user=user-3&user=user-4&item=item-5', /query parameter "user": must be a string/],
    [
      'an over-long item',
      `?user=user-3&item=${'x'.repeat(257)}`,
      /query parameter "item": must be at most 256 characters/,
    ],
    [
      'a non-numeric threshold',
      '?user=user-3&item=item-5&threshold=abc',
      /query parameter "threshold": must be a number/,
    ],
    ['an empty threshold', '?user=user-3&item=item-5&threshold=', /query parameter "threshold": must be a number/],
    [
      'a threshold below the scale',
      '?user=user-3&item=item-5&threshold=0.5',
      /threshold must be a number from 1 to 5.*got 0\.5/,
    ],
    [
      'a threshold above the scale',
      '?user=user-3&item=item-5&threshold=5.01',
      /threshold must be a number from 1 to 5/,
    ],
  ])('answers 400 invalid_request for %s', async (_name, query, message) => {
    await expectError(await t.request(`/v1/score${query}`), 400, 'invalid_request', message);
  });

  it('checks the request before the ids (a bad threshold with an unknown user is a 400)', async () => {
    await expectError(await t.request('/v1/score?user=nobody&item=item-5&threshold=9'), 400, 'invalid_request');
  });

  it('answers 404 unknown_user naming the user', async () => {
    const error = await expectError(await t.request('/v1/score?user=nobody&item=item-5'), 404, 'unknown_user');
    expect(error.message).toContain('"nobody"');
  });

  it('answers 404 unknown_item naming the item', async () => {
    const error = await expectError(await t.request('/v1/score?user=user-3&item=item-999'), 404, 'unknown_item');
    expect(error.message).toContain('"item-999"');
  });

  it('accepts the scale bounds as thresholds', async () => {
    for (const threshold of [1, 5]) {
      const score = await readJson<Score>(await t.request(`/v1/score?user=user-3&item=item-5&threshold=${threshold}`));
      expect(score.threshold).toBe(threshold);
      expect(score.recommend).toBe(score.rating >= threshold);
    }
  });

  it('decodes percent-encoded ids', async () => {
    const score = await readJson<Score>(
      await t.request(`/v1/score?user=${encodeURIComponent(ODD_USER_ID)}&item=item-5`),
    );
    expect(score.user).toBe(ODD_USER_ID);
  });
});

describe('GET /v1/users/{user}/recommendations validation', () => {
  it.each(['0', '101', '-1', '2.5', 'abc', '', '1e3', '10&k=20'])('answers 400 invalid_request for k=%s', async (k) => {
    await expectError(
      await t.request(`/v1/users/user-3/recommendations?k=${k}`),
      400,
      'invalid_request',
      /query parameter "k": must be an integer from 1 to 100/,
    );
  });

  it.each([
    ['1', 1],
    ['100', 100],
    [' 7 ', 7],
  ])('accepts k=%j', async (k, expected) => {
    const recs = await readJson<Recommendations>(
      await t.request(`/v1/users/user-3/recommendations?k=${encodeURIComponent(k)}`),
    );
    expect(recs.k).toBe(expected);
  });

  it('defaults k to 10', async () => {
    const recs = await readJson<Recommendations>(await t.request('/v1/users/user-3/recommendations'));
    expect(recs.k).toBe(10);
    expect(recs.items).toHaveLength(10);
  });

  it('answers 404 unknown_user naming the user with coldStart=error (the default is the cold-start fallback)', async () => {
    const error = await expectError(
      await t.request('/v1/users/ghost/recommendations?coldStart=error'),
      404,
      'unknown_user',
    );
    expect(error.message).toContain('"ghost"');
  });

  it('decodes a percent-encoded user id (even one with a slash)', async () => {
    const recs = await readJson<Recommendations>(
      await t.request(`/v1/users/${encodeURIComponent(ODD_USER_ID)}/recommendations?k=3`),
    );
    expect(recs.user).toBe(ODD_USER_ID);
  });
});

describe('POST /v1/score validation', () => {
  const pair = { user: 'user-3', item: 'item-5' };

  it.each([
    ['a truncated body', '{"pairs": ['],
    ['an empty body', ''],
    ['single quotes', "{'pairs': []}"],
  ])('answers 400 invalid_json for %s', async (_name, body) => {
    await expectError(await t.request('/v1/score', postJson(body)), 400, 'invalid_json', /not valid JSON/);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
  ])('answers 415 unsupported_media_type for %s', async (_name, type) => {
    const res = await t.request('/v1/score', {
      method: 'POST',
      headers: { 'content-type': type },
      body: JSON.stringify({ pairs: [pair] }),
    });
    await expectError(res, 415, 'unsupported_media_type', /application\/json/);
  });

  it('answers 415 for a body without a content type', async () => {
    const res = await t.request('/v1/score', {
      method: 'POST',
      body: new TextEncoder().encode(JSON.stringify({ pairs: [pair] })),
    });
    await expectError(res, 415, 'unsupported_media_type');
  });

  it('accepts application/json with a charset', async () => {
    const res = await t.request(
      '/v1/score',
      postJson({ pairs: [pair] }, { 'content-type': 'application/json; charset=utf-8' }),
    );
    expect(res.status).toBe(200);
  });

  it.each([
    ['an empty object', {}, /body field "pairs": is required/],
    ['a JSON array', [pair], /request body: /],
    ['pairs that is not an array', { pairs: 'user-3' }, /body field "pairs": must be an array/],
    ['no pairs', { pairs: [] }, /body field "pairs": must hold at least one pair/],
    ['a pair without an item', { pairs: [pair, { user: 'user-3' }] }, /body field "pairs\[1\]\.item": is required/],
    ['a numeric id', { pairs: [{ user: 3, item: 'item-5' }] }, /body field "pairs\[0\]\.user": must be a string/],
    ['a string threshold', { pairs: [pair], threshold: '4' }, /body field "threshold": must be a number/],
    ['a threshold outside the scale', { pairs: [pair], threshold: 7 }, /threshold must be a number from 1 to 5/],
  ])('answers 400 invalid_request for %s', async (_name, body, message) => {
    await expectError(await t.request('/v1/score', postJson(body)), 400, 'invalid_request', message);
  });

  it(`answers 413 batch_too_large above ${MAX_BATCH} pairs`, async () => {
    const pairs = Array.from({ length: MAX_BATCH + 1 }, () => pair);
    await expectError(
      await t.request('/v1/score', postJson({ pairs })),
      413,
      'batch_too_large',
      `body field "pairs": at most ${MAX_BATCH} pairs per request (got ${MAX_BATCH + 1})`,
    );
  });

  it(`scores exactly ${MAX_BATCH} pairs`, async () => {
    const pairs = Array.from({ length: MAX_BATCH }, () => pair);
    const { results } = await readJson<{ results: unknown[] }>(await t.request('/v1/score', postJson({ pairs })));
    expect(results).toHaveLength(MAX_BATCH);
  });

  it('answers 413 payload_too_large for an oversized body', async () => {
    const body = JSON.stringify({ pairs: [pair], padding: 'x'.repeat(MAX_BODY_BYTES) });
    await expectError(await t.request('/v1/score', postJson(body)), 413, 'payload_too_large');
  });

  it('keeps a mixed batch at 200, with an error entry per unknown id, in request order', async () => {
    const res = await t.request(
      '/v1/score',
      postJson({
        pairs: [
          pair,
          { user: 'ghost', item: 'item-5' },
          { user: 'user-3', item: 'nothing' },
          { user: 'ghost', item: 'nothing' },
        ],
      }),
    );
    const { results } = await readJson<{
      results: (Score | { user: string; item: string; error: { code: string; message: string } })[];
    }>(res);
    expect(res.status).toBe(200);
    expect(results.map((r) => ('error' in r ? r.error.code : 'ok'))).toEqual([
      'ok',
      'unknown_user',
      'unknown_item',
      'unknown_user',
    ]);
    expect(results[1]).toEqual({
      user: 'ghost',
      item: 'item-5',
      error: { code: 'unknown_user', message: expect.stringContaining('"ghost"') },
    });
    expect(results[2]).toMatchObject({
      user: 'user-3',
      item: 'nothing',
      error: { message: expect.stringContaining('"nothing"') },
    });
  });

  it('applies a body threshold to every pair', async () => {
    const { results } = await readJson<{ results: Score[] }>(
      await t.request('/v1/score', postJson({ pairs: [pair, { user: 'user-4', item: 'item-6' }], threshold: 1 })),
    );
    for (const r of results) expect(r).toMatchObject({ threshold: 1, recommend: true });
  });
});

describe('routing errors', () => {
  it.each(['/', '/nope', '/v1', '/v1/users', '/v1/users/user-3/recommendations/extra', '/health/'])(
    'answers 404 not_found for %s',
    async (path) => {
      await expectError(await t.request(path), 404, 'not_found', `no route for GET ${path}`);
    },
  );

  it.each([
    ['DELETE', '/health', 'GET, HEAD'],
    ['POST', '/v1/model', 'GET, HEAD'],
    ['PUT', '/v1/score', 'GET, HEAD, POST'],
    ['POST', '/v1/users/user-3/recommendations', 'GET, HEAD'],
    ['GET', '/v1/users/user-3', 'DELETE'],
    ['GET', '/v1/events', 'POST'],
    ['OPTIONS', '/openapi.json', 'GET, HEAD'],
  ])('answers 405 method_not_allowed for %s %s, with an Allow header', async (method, path, allow) => {
    const res = await t.request(path, { method });
    expect(res.headers.get('allow')).toBe(allow);
    await expectError(res, 405, 'method_not_allowed', `${method} is not allowed on ${path}`);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await t.request('/health', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('allowedMethods matches path parameters segment by segment', () => {
    const routes = [
      { method: 'ALL', path: '*', basePath: '/', handler: () => undefined },
      { method: 'GET', path: '/v1/users/:user/recommendations', basePath: '/', handler: () => undefined },
    ];
    expect(allowedMethods(routes, '/v1/users/a%2Fb/recommendations')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(routes, '/v1/users/a/b/recommendations')).toEqual([]);
    expect(allowedMethods(routes, '/v1/users//recommendations')).toEqual([]);
  });
});
