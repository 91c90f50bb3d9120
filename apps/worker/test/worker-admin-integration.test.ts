import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { readJson } from './helpers/http';

// The worker's own fetch handler (src/index.ts, MODEL_SOURCE=bundled from wrangler.jsonc) with the
// test ADMIN_TOKEN from vitest.config.ts.
const BASE = 'https://edgerec.test';
const fetchWorker = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${BASE}${path}`, init));
const label = () => inject('testArtifactSha256').slice(0, 12);

describe('bundled source through the worker', () => {
  it('labels model-backed responses with the bundled artifact version', async () => {
    for (const path of ['/v1/model', '/v1/score?user=user-3&item=item-5', '/v1/users/ghost/recommendations']) {
      expect((await fetchWorker(path)).headers.get('x-edgerec-model'), path).toBe(label());
    }
    expect((await fetchWorker('/health')).headers.get('x-edgerec-model')).toBeNull();
  });

  it('POST /admin/reload re-validates the bundled artifact (unchanged) with the right token only', async () => {
    await fetchWorker('/v1/model');
    const refused = await fetchWorker('/admin/reload', { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid admin token' } });
    const res = await fetchWorker('/admin/reload', {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-edgerec-model')).toBe(label());
    expect(await readJson(res)).toMatchObject({
      status: 'unchanged',
      joined: false,
      model: { source: 'bundled', sha256: inject('testArtifactSha256') },
      previous: { source: 'bundled', sha256: inject('testArtifactSha256') },
    });
  });
});
