import { predict } from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { V1_SEED, V2_SEED, brokenVariants, testVersion, type TestVersion } from './helpers/artifacts';
import { expectError, readJson } from './helpers/http';
import { countingBucket, modelsBucket, pointerTo, r2App, tag, uniquePrefix } from './helpers/r2';
import { makeTestModel } from './helpers/test-model';

// MODEL_SOURCE=r2 against the test worker's local R2 bucket (miniflare), through the app's fetch
// handler with the worker's bindings. Each test writes under its own key prefix.

interface Served {
  sha256: string;
  createdAt: string;
  source: string;
  key?: string;
  etag?: string;
  pointer?: string | null;
  loadedAt: string;
}
interface ModelInfo {
  sha256: string;
  createdAt: string;
  served: Served;
}
interface Score {
  rating: number;
  raw: number;
}
interface ReloadBody {
  status: string;
  joined: boolean;
  model: Served;
  previous: Served | null;
}
interface AdminError {
  error: { code: string; message: string; reason?: string };
}

let v1: TestVersion;
let v2: TestVersion;
const models = new Map<string, ReturnType<typeof makeTestModel>>();

beforeAll(async () => {
  [v1, v2] = await Promise.all([testVersion(V1_SEED), testVersion(V2_SEED)]);
  models.set(v1.sha256, makeTestModel({ seed: V1_SEED }));
  models.set(v2.sha256, makeTestModel({ seed: V2_SEED }));
});

/** Puts objects under `prefix`. */
async function seed(prefix: string, objects: Record<string, string>): Promise<void> {
  await Promise.all(Object.entries(objects).map(([key, value]) => modelsBucket().put(`${prefix}${key}`, value)));
}

/** Asserts an admin error (the usual shape, plus `reason`). */
async function expectAdminError(
  res: Response,
  status: number,
  code: string,
  message?: RegExp,
): Promise<AdminError['error']> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as AdminError;
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(Object.keys(body)).toEqual(['error']);
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

/** GET /v1/score for user-3 / item-5, checked against core predict on the version the header names. */
async function scoreChecked(t: ReturnType<typeof r2App>, expectedSha: string): Promise<Score> {
  const res = await t.request('/v1/score?user=user-3&item=item-5');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-edgerec-model')).toBe(tag(expectedSha));
  const score = await readJson<Score>(res);
  const expected = predict(models.get(expectedSha)!, 3, 5);
  expect(score.rating).toBe(expected.rating);
  expect(score.raw).toBe(expected.raw);
  return score;
}

describe('MODEL_SOURCE=r2', () => {
  it('serves the artifact the pointer names (pointer → key → artifact), reporting key and etag', async () => {
    const prefix = uniquePrefix('happy');
    await seed(prefix, { 'models/v1.json': v1.text, 'current.json': pointerTo(`${prefix}models/v1.json`) });
    const counting = countingBucket();
    const t = r2App(prefix, { MODELS: counting.bucket });

    const res = await t.request('/v1/model');
    expect(res.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
    const info = await readJson<ModelInfo>(res);
    const head = await modelsBucket().head(`${prefix}models/v1.json`);
    expect(info.sha256).toBe(v1.sha256);
    expect(info.served).toEqual({
      sha256: v1.sha256,
      createdAt: info.createdAt,
      source: 'r2',
      key: `${prefix}models/v1.json`,
      etag: head!.etag,
      pointer: `${prefix}current.json`,
      loadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(counting.gets).toEqual([`${prefix}current.json`, `${prefix}models/v1.json`]);
    await scoreChecked(t, v1.sha256);
  });

  it('loads lazily, once per isolate: /health reads nothing, concurrent first requests share one load', async () => {
    const prefix = uniquePrefix('lazy');
    await seed(prefix, { 'models/v1.json': v1.text, 'current.json': pointerTo(`${prefix}models/v1.json`) });
    const counting = countingBucket();
    const t = r2App(prefix, { MODELS: counting.bucket });
    expect((await t.request('/health')).status).toBe(200);
    expect(counting.gets).toEqual([]);
    const responses = await Promise.all(
      ['/v1/model', '/v1/score?user=user-3&item=item-5', '/v1/users/user-3/recommendations?k=3', '/v1/model'].map((p) =>
        t.request(p),
      ),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
    }
    await t.request('/v1/model');
    expect(counting.gets).toHaveLength(2);
  });

  it('reads MODEL_KEY directly when it is set (no pointer needed)', async () => {
    const prefix = uniquePrefix('direct');
    await seed(prefix, { 'models/v2.json': v2.text });
    const t = r2App(prefix, { MODEL_KEY: `${prefix}models/v2.json` });
    const info = await readJson<ModelInfo>(await t.request('/v1/model'));
    expect(info.served).toMatchObject({
      source: 'r2',
      key: `${prefix}models/v2.json`,
      pointer: null,
      sha256: v2.sha256,
    });
    await scoreChecked(t, v2.sha256);
  });

  it('answers 503 model_unavailable with a clear message when the pointer is missing', async () => {
    const prefix = uniquePrefix('no-pointer');
    const t = r2App(prefix);
    const res = await t.request('/v1/score?user=user-3&item=item-5');
    expect(res.headers.get('x-edgerec-model')).toBeNull();
    await expectError(
      res,
      503,
      'model_unavailable',
      new RegExp(`the model pointer "${prefix}current\\.json" does not exist in the MODELS R2 bucket`),
    );
    await expectError(
      await t.request('/v1/model'),
      503,
      'model_unavailable',
      /upload a JSON object \{"key": "models\/<artifact>\.json"\}/,
    );
    expect((await t.request('/health')).status).toBe(200);
  });

  it.each([
    ['not JSON', 'models/v1.json', /is not valid JSON/],
    ['without a key', '{"model": "models/v1.json"}', /has no non-empty string "key"/],
  ])('answers 503 for a pointer that is %s', async (_name, pointer, message) => {
    const prefix = uniquePrefix('bad-pointer');
    await seed(prefix, { 'current.json': pointer });
    await expectError(await r2App(prefix).request('/v1/model'), 503, 'model_unavailable', message);
  });

  it('answers 503 when the pointer names a missing object', async () => {
    const prefix = uniquePrefix('dangling');
    await seed(prefix, { 'current.json': pointerTo(`${prefix}models/nope.json`) });
    await expectError(
      await r2App(prefix).request('/v1/model'),
      503,
      'model_unavailable',
      new RegExp(
        `the model artifact "${prefix}models/nope\\.json" \\(named by the pointer object "${prefix}current\\.json"\\) does not exist`,
      ),
    );
  });

  it('answers 503 with the artifact error when the first artifact is corrupt', async () => {
    const prefix = uniquePrefix('corrupt-first');
    const [flipped] = brokenVariants(v1.text);
    await seed(prefix, { 'models/v1.json': flipped!.text, 'current.json': pointerTo(`${prefix}models/v1.json`) });
    await expectError(
      await r2App(prefix).request('/v1/model'),
      503,
      'model_unavailable',
      /R2 object ".*models\/v1\.json" \(etag [0-9a-f]+\) failed its integrity check/,
    );
  });

  it('answers 503 for a missing MODELS binding or an unknown MODEL_SOURCE', async () => {
    const prefix = uniquePrefix('config');
    await expectError(
      await r2App(prefix, { MODELS: undefined }).request('/v1/model'),
      503,
      'model_unavailable',
      /no R2 bucket is bound as MODELS/,
    );
    await expectError(
      await r2App(prefix, { MODEL_SOURCE: 's3' }).request('/v1/model'),
      503,
      'model_unavailable',
      /MODEL_SOURCE must be "bundled" or "r2", got "s3"/,
    );
  });
});

describe('POST /admin/reload', () => {
  async function servingV1(name: string) {
    const prefix = uniquePrefix(name);
    await seed(prefix, {
      'models/v1.json': v1.text,
      'models/v2.json': v2.text,
      'current.json': pointerTo(`${prefix}models/v1.json`),
    });
    const counting = countingBucket();
    const t = r2App(prefix, { MODELS: counting.bucket });
    const before = await scoreChecked(t, v1.sha256);
    counting.gets.length = 0;
    return { prefix, t, counting, before };
  }

  it('refuses a request without credentials, with a wrong token or another scheme (401), before loading anything', async () => {
    const { t, counting } = await servingV1('auth');
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong-token' },
      { authorization: `Basic ${btoa('admin:x')}` },
      { authorization: 'Bearer' },
    ]) {
      const res = await t.request('/admin/reload', { method: 'POST', headers });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      await expectAdminError(res, 401, 'unauthorized', /missing credentials|invalid admin token/);
    }
    await expectAdminError(await t.reload(`${t.env.ADMIN_TOKEN}x`), 401, 'unauthorized', /invalid admin token/);
    expect(counting.gets).toEqual([]);
    await expectError(await t.request('/admin/reload'), 405, 'method_not_allowed');
  });

  it('is disabled (404 admin_disabled, never open) when ADMIN_TOKEN is unset or blank', async () => {
    const prefix = uniquePrefix('disabled');
    for (const ADMIN_TOKEN of [undefined, '', '  ']) {
      const t = r2App(prefix, { ADMIN_TOKEN });
      for (const token of [undefined, '', 'anything']) {
        await expectAdminError(
          await t.reload(token),
          404,
          'admin_disabled',
          /no ADMIN_TOKEN secret is set \(wrangler secret put ADMIN_TOKEN\)/,
        );
      }
    }
  });

  it('swaps to the version the pointer now names: responses and header switch', async () => {
    const { prefix, t, counting } = await servingV1('swap');
    await modelsBucket().put(`${prefix}current.json`, pointerTo(`${prefix}models/v2.json`));
    // Until the reload, the isolate keeps serving what it loaded.
    await scoreChecked(t, v1.sha256);

    const res = await t.reload();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-edgerec-model')).toBe(tag(v2.sha256));
    const body = await readJson<ReloadBody>(res);
    expect(body).toMatchObject({
      status: 'swapped',
      joined: false,
      model: { sha256: v2.sha256, source: 'r2', key: `${prefix}models/v2.json`, pointer: `${prefix}current.json` },
      previous: { sha256: v1.sha256, key: `${prefix}models/v1.json` },
    });
    expect(counting.gets).toEqual([`${prefix}current.json`, `${prefix}models/v2.json`]);

    const after = await scoreChecked(t, v2.sha256);
    expect(after.rating).not.toBe(predict(models.get(v1.sha256)!, 3, 5).rating);
    const info = await readJson<ModelInfo>(await t.request('/v1/model'));
    expect(info.served).toMatchObject({ sha256: v2.sha256, key: `${prefix}models/v2.json` });

    // Reloading the same pointer again changes nothing.
    expect(await readJson<ReloadBody>(await t.reload())).toMatchObject({
      status: 'unchanged',
      model: { sha256: v2.sha256 },
    });
  });

  it.each(['a flipped byte', 'a truncated file', 'a schema-invalid artifact', 'a wrong artifact version'])(
    'rejects %s (422 model_rejected with the ArtifactError code and message) and keeps serving the previous model',
    async (name) => {
      const { prefix, t, before } = await servingV1('broken');
      const variant = brokenVariants(v2.text).find((v) => v.name === name)!;
      await seed(prefix, {
        'models/broken.json': variant.text,
        'current.json': pointerTo(`${prefix}models/broken.json`),
      });

      const res = await t.reload();
      expect(res.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
      const error = await expectAdminError(res, 422, 'model_rejected', variant.message);
      expect(error.reason).toBe(variant.code);
      expect(error.message).toMatch(
        new RegExp(
          `^the new model was rejected \\(${variant.code}\\), still serving ${tag(v1.sha256)}: R2 object "${prefix}models/broken\\.json"`,
        ),
      );

      // Same version, same scores.
      expect(await scoreChecked(t, v1.sha256)).toEqual(before);
      const info = await readJson<ModelInfo>(await t.request('/v1/model'));
      expect(info.served).toMatchObject({ sha256: v1.sha256, key: `${prefix}models/v1.json` });
    },
  );

  it('answers 503 model_unavailable when the pointer went missing, and keeps serving', async () => {
    const { prefix, t, before } = await servingV1('pointer-gone');
    await modelsBucket().delete(`${prefix}current.json`);
    const error = await expectAdminError(
      await t.reload(),
      503,
      'model_unavailable',
      /could not be loaded \(pointer-missing\), still serving/,
    );
    expect(error.reason).toBe('pointer-missing');
    expect(await scoreChecked(t, v1.sha256)).toEqual(before);
  });

  it('runs one load for concurrent reloads (single-flight)', async () => {
    const { prefix, t, counting } = await servingV1('single-flight');
    await modelsBucket().put(`${prefix}current.json`, pointerTo(`${prefix}models/v2.json`));
    let release!: () => void;
    counting.gate = new Promise<void>((resolve) => (release = resolve));
    const pending = [t.reload(), t.reload(), t.reload()];
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const bodies = await Promise.all(pending.map(async (p) => readJson<ReloadBody>(await p)));
    expect(counting.gets).toEqual([`${prefix}current.json`, `${prefix}models/v2.json`]);
    for (const body of bodies) expect(body).toMatchObject({ status: 'swapped', model: { sha256: v2.sha256 } });
    expect(bodies.map((b) => b.joined)).toEqual([false, true, true]);
    await scoreChecked(t, v2.sha256);
  });

  it('recovers an isolate whose first load failed once the pointer exists', async () => {
    const prefix = uniquePrefix('recover');
    const t = r2App(prefix);
    await expectError(await t.request('/v1/model'), 503, 'model_unavailable', /does not exist/);
    await seed(prefix, { 'models/v2.json': v2.text, 'current.json': pointerTo(`${prefix}models/v2.json`) });
    const body = await readJson<ReloadBody>(await t.reload());
    expect(body).toMatchObject({ status: 'loaded', previous: null, model: { sha256: v2.sha256 } });
    await scoreChecked(t, v2.sha256);
  });
});
