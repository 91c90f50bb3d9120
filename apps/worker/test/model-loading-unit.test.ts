import { parseArtifact, type LoadedArtifact } from '@edgerec/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createModelStore } from '../src/model-store';
import { expectError, postJson, readJson } from './helpers/http';
import { makeTestArtifact } from './helpers/test-model';
import { loadTestArtifact, unitApp } from './helpers/unit-app';

interface ModelInfo {
  sha256: string;
  recommendThreshold: { value: number; source: string; artifact: number };
  seenItems: boolean;
}
interface Score {
  rating: number;
  recommend: boolean;
  threshold: number;
}
interface Recommendations {
  items: { item: string }[];
  excludedSeen: number;
  seenItems: boolean;
}

const MODEL_ROUTES = [
  ['GET /v1/model', '/v1/model', undefined],
  ['GET /v1/score', '/v1/score?user=user-3&item=item-5', undefined],
  ['POST /v1/score', '/v1/score', postJson({ pairs: [{ user: 'user-3', item: 'item-5' }] })],
  ['GET recommendations', '/v1/users/user-3/recommendations', undefined],
  ['GET cold-start recommendations', '/v1/users/ghost/recommendations', undefined],
  ['POST /v1/recommendations', '/v1/recommendations', postJson({ ratings: [{ item: 'item-5', rating: 4 }] })],
  ['GET similar items', '/v1/items/item-5/similar', undefined],
] as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('model loading', () => {
  it('does not load the model for /health', async () => {
    const t = unitApp();
    const res = await t.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(t.loads).toBe(0);
  });

  it('loads lazily, once, and shares the result between routes', async () => {
    const t = unitApp();
    expect(t.loads).toBe(0);
    const responses = await Promise.all(MODEL_ROUTES.map(([, path, init]) => t.request(path, init)));
    for (const res of responses) expect(res.status).toBe(200);
    await t.request('/v1/model');
    expect(t.loads).toBe(1);
  });

  it('serves the artifact the loader returns', async () => {
    const loaded = await loadTestArtifact();
    const t = unitApp(async () => loaded);
    const info = await readJson<ModelInfo>(await t.request('/v1/model'));
    expect(info.sha256).toBe(loaded.meta.sha256);
  });

  describe('a corrupt bundled artifact', () => {
    const truncated = async (): Promise<LoadedArtifact> => {
      const text = await makeTestArtifact();
      return parseArtifact(text.slice(0, text.length - 100), { source: 'bundled model/edgerec.model.json' });
    };

    it.each(MODEL_ROUTES)('answers 503 model_unavailable on %s, with the artifact error', async (_name, path, init) => {
      const t = unitApp(truncated);
      await expectError(
        await t.request(path, init),
        503,
        'model_unavailable',
        /bundled model\/edgerec\.model\.json is not valid JSON/,
      );
    });

    it('keeps /health at 200 and does not retry the load on every request', async () => {
      const t = unitApp(truncated);
      for (let n = 0; n < 3; n++) await expectError(await t.request('/v1/model'), 503, 'model_unavailable');
      expect((await t.request('/health')).status).toBe(200);
      expect(t.loads).toBe(1);
    });

    it('reports a failed integrity check', async () => {
      const t = unitApp(async () => {
        const json = JSON.parse(await makeTestArtifact()) as { model: { globalBias: number } };
        json.model.globalBias += 0.5;
        return parseArtifact(JSON.stringify(json), { source: 'bundled model/edgerec.model.json' });
      });
      await expectError(
        await t.request('/v1/score?user=user-3&item=item-5'),
        503,
        'model_unavailable',
        /integrity check/,
      );
    });

    it('also covers a loader that throws synchronously', async () => {
      const t = unitApp(() => {
        throw new Error('no artifact was bundled');
      });
      await expectError(await t.request('/v1/model'), 503, 'model_unavailable', /no artifact was bundled/);
      expect((await t.request('/health')).status).toBe(200);
    });
  });

  it('createModelStore caches the rejection too', async () => {
    let calls = 0;
    const store = createModelStore(async () => {
      calls++;
      throw new Error('broken');
    });
    await expect(store.get()).rejects.toMatchObject({ status: 503, code: 'model_unavailable' });
    await expect(store.get()).rejects.toMatchObject({ message: /broken/ });
    expect(calls).toBe(1);
  });
});

describe('RECOMMEND_THRESHOLD', () => {
  it('overrides the artifact threshold when it is a number inside the rating scale', async () => {
    const t = unitApp();
    const env = { RECOMMEND_THRESHOLD: '4.25' };
    const info = await readJson<ModelInfo>(await t.request('/v1/model', undefined, env));
    expect(info.recommendThreshold).toEqual({ value: 4.25, source: 'env', artifact: 3.5 });
    const score = await readJson<Score>(await t.request('/v1/score?user=user-3&item=item-5', undefined, env));
    expect(score.threshold).toBe(4.25);
    expect(score.recommend).toBe(score.rating >= 4.25);
  });

  it('is itself overridden by the threshold query parameter', async () => {
    const t = unitApp();
    const score = await readJson<Score>(
      await t.request('/v1/score?user=user-3&item=item-5&threshold=2', undefined, { RECOMMEND_THRESHOLD: '4.25' }),
    );
    expect(score.threshold).toBe(2);
  });

  it('is ignored when empty', async () => {
    const t = unitApp();
    const info = await readJson<ModelInfo>(await t.request('/v1/model', undefined, { RECOMMEND_THRESHOLD: '  ' }));
    expect(info.recommendThreshold).toEqual({ value: 3.5, source: 'artifact', artifact: 3.5 });
  });

  it.each(['abc', '9', '-1', 'NaN', 'Infinity'])(
    'ignores %j with one warning instead of failing requests',
    async (value) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const t = unitApp();
      const env = { RECOMMEND_THRESHOLD: value };
      for (let n = 0; n < 2; n++) {
        const score = await readJson<Score>(await t.request('/v1/score?user=user-3&item=item-5', undefined, env));
        expect(score.threshold).toBe(3.5);
      }
      const info = await readJson<ModelInfo>(await t.request('/v1/model', undefined, env));
      expect(info.recommendThreshold.source).toBe('artifact');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain(`RECOMMEND_THRESHOLD=${JSON.stringify(value)}`);
    },
  );
});

describe('an artifact without seen lists', () => {
  it('excludes nothing from recommendations and says so', async () => {
    const t = unitApp(() => loadTestArtifact({ seen: false }));
    const info = await readJson<ModelInfo>(await t.request('/v1/model'));
    expect(info.seenItems).toBe(false);
    const recs = await readJson<Recommendations>(await t.request('/v1/users/user-1/recommendations?k=100'));
    expect(recs.seenItems).toBe(false);
    expect(recs.excludedSeen).toBe(0);
    // user-1 rated 77 of 80 items; with no seen lists the whole catalogue is ranked.
    expect(recs.items).toHaveLength(80);
  });
});

describe('unexpected failures', () => {
  it('answer 500 internal_error without leaking details', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const loaded = await loadTestArtifact();
    const broken: LoadedArtifact = {
      ...loaded,
      model: {
        ...loaded.model,
        users: {
          ...loaded.model.users,
          indexOf: () => {
            throw new Error('secret internals');
          },
        },
      },
    };
    const t = unitApp(async () => broken);
    const body = await expectError(await t.request('/v1/score?user=user-3&item=item-5'), 500, 'internal_error');
    expect(body.message).not.toContain('secret');
    expect(error).toHaveBeenCalled();
  });
});
