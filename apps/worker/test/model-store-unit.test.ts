import { parseArtifact, predict, type LoadedArtifact } from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelSourceError, type ServedModel } from '../src/model-source';
import { createModelStore } from '../src/model-store';
import { V1_SEED, V2_SEED, testVersion } from './helpers/artifacts';
import { expectError, postJson, readJson } from './helpers/http';
import { tag } from './helpers/r2';
import { makeTestModel } from './helpers/test-model';
import { unitApp } from './helpers/unit-app';

let v1: LoadedArtifact;
let v2: LoadedArtifact;

beforeAll(async () => {
  const [t1, t2] = await Promise.all([testVersion(V1_SEED), testVersion(V2_SEED)]);
  [v1, v2] = await Promise.all([parseArtifact(t1.text), parseArtifact(t2.text)]);
});

const served = (loaded: LoadedArtifact): ServedModel => ({ ...loaded, origin: { source: 'bundled' }, loadedAt: 'now' });

/** A promise resolved from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A loader answering from a queue of deferred results, counting calls. */
function scriptedLoader() {
  const results: ReturnType<typeof deferred<ServedModel>>[] = [];
  const loader = {
    calls: 0,
    load: () => {
      loader.calls++;
      const next = deferred<ServedModel>();
      results.push(next);
      return next.promise;
    },
    /** The deferred result of the n-th call (0-based). */
    call: (n: number) => results[n]!,
  };
  return loader;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createModelStore', () => {
  it('loads lazily and once; concurrent first requests share the load', async () => {
    const loader = scriptedLoader();
    const store = createModelStore(loader.load);
    expect(store.peek()).toBeUndefined();
    expect(loader.calls).toBe(0);
    const gets = [store.get(), store.get(), store.get()];
    await flush();
    expect(loader.calls).toBe(1);
    loader.call(0).resolve(served(v1));
    for (const model of await Promise.all(gets)) expect(model.meta.sha256).toBe(v1.meta.sha256);
    expect(store.peek()?.meta.sha256).toBe(v1.meta.sha256);
    await store.get();
    expect(loader.calls).toBe(1);
  });

  it('swaps atomically on reload: a model already taken is never changed', async () => {
    let next = served(v1);
    const store = createModelStore(async () => next);
    const pinned = await store.get();
    next = served(v2);
    const outcome = await store.reload();
    expect(outcome).toMatchObject({ ok: true, status: 'swapped', joined: false });
    expect(outcome.ok && outcome.previous).toBe(pinned);
    expect(store.peek()?.meta.sha256).toBe(v2.meta.sha256);
    expect(pinned.meta.sha256).toBe(v1.meta.sha256);
    expect(await store.reload()).toMatchObject({ ok: true, status: 'unchanged' });
  });

  it('keeps the current model when a reload fails', async () => {
    let fail = false;
    const store = createModelStore(async () => {
      if (fail) throw new Error('corrupt');
      return served(v1);
    });
    const before = await store.get();
    fail = true;
    const outcome = await store.reload();
    expect(outcome).toMatchObject({ ok: false, current: before, joined: false });
    expect(!outcome.ok && (outcome.error as Error).message).toBe('corrupt');
    expect(store.peek()).toBe(before);
    expect(await store.get()).toBe(before);
  });

  it('runs one load for concurrent reloads (single-flight), then loads again for a later one', async () => {
    const loader = scriptedLoader();
    const store = createModelStore(loader.load);
    const reloads = [store.reload(), store.reload(), store.reload()];
    await flush();
    expect(loader.calls).toBe(1);
    loader.call(0).resolve(served(v1));
    const outcomes = await Promise.all(reloads);
    expect(outcomes.map((o) => [o.ok, o.joined])).toEqual([
      [true, false],
      [true, true],
      [true, true],
    ]);
    const later = store.reload();
    await flush();
    expect(loader.calls).toBe(2);
    loader.call(1).resolve(served(v2));
    expect(await later).toMatchObject({ ok: true, status: 'swapped' });
  });

  it('never lets a slow first load overwrite a reload that finished before it', async () => {
    const loader = scriptedLoader();
    const store = createModelStore(loader.load);
    const first = store.get(); // load #0 (reads the old pointer, slowly)
    await flush();
    const reload = store.reload(); // load #1
    await flush();
    loader.call(1).resolve(served(v2));
    expect(await reload).toMatchObject({ ok: true, status: 'loaded' });
    loader.call(0).resolve(served(v1));
    expect((await first).meta.sha256).toBe(v2.meta.sha256);
    expect(store.peek()?.meta.sha256).toBe(v2.meta.sha256);
  });

  it('makes first requests wait for a running reload instead of starting another load', async () => {
    const loader = scriptedLoader();
    const store = createModelStore(loader.load);
    const reload = store.reload();
    const get = store.get();
    await flush();
    expect(loader.calls).toBe(1);
    loader.call(0).resolve(served(v1));
    expect((await get).meta.sha256).toBe(v1.meta.sha256);
    await reload;
  });

  it('retries a failed R2 load only after the pause, and never a failed bundled load', async () => {
    let clock = 0;
    let calls = 0;
    let error: Error = new ModelSourceError('pointer-missing', 'no pointer', true);
    const store = createModelStore(
      async () => {
        calls++;
        throw error;
      },
      { retryFailedLoadAfterMs: 1000, now: () => clock },
    );
    await expect(store.get()).rejects.toMatchObject({ status: 503, code: 'model_unavailable', message: /no pointer/ });
    clock = 999;
    await expect(store.get()).rejects.toMatchObject({ code: 'model_unavailable' });
    expect(calls).toBe(1);
    clock = 1000;
    error = new Error('broken bundled artifact');
    await expect(store.get()).rejects.toMatchObject({ message: /broken bundled artifact/ });
    expect(calls).toBe(2);
    clock = 1_000_000;
    await expect(store.get()).rejects.toMatchObject({ message: /broken bundled artifact/ });
    expect(calls).toBe(2);
  });
});

describe('model pinning (the /v1/* middleware)', () => {
  const ENV = { ADMIN_TOKEN: 'unit-admin-token' };
  const reload = (t: ReturnType<typeof unitApp>) =>
    t.request('/admin/reload', { method: 'POST', headers: { authorization: `Bearer ${ENV.ADMIN_TOKEN}` } }, ENV);

  it('labels every model-backed response with x-edgerec-model, errors included, and nothing else', async () => {
    const t = unitApp(async () => v1);
    const label = tag(v1.meta.sha256);
    for (const path of [
      '/v1/model',
      '/v1/score?user=user-3&item=item-5',
      '/v1/score?user=ghost&item=item-5',
      '/v1/score?user=user-3',
      '/v1/users/user-3/recommendations',
    ]) {
      expect((await t.request(path)).headers.get('x-edgerec-model'), path).toBe(label);
    }
    expect(
      (await t.request('/v1/score', postJson({ pairs: [{ user: 'user-3', item: 'item-5' }] }))).headers.get(
        'x-edgerec-model',
      ),
    ).toBe(label);
    for (const path of ['/health', '/openapi.json', '/docs', '/v1/nothing']) {
      expect((await t.request(path)).headers.get('x-edgerec-model'), path).toBeNull();
    }
  });

  it('leaves 404 and 405 alone when the model cannot be loaded (and does not try to load it)', async () => {
    const t = unitApp(async () => {
      throw new Error('broken');
    });
    await expectError(await t.request('/v1/nothing'), 404, 'not_found');
    await expectError(await t.request('/v1/score', { method: 'DELETE' }), 405, 'method_not_allowed');
    expect(t.loads).toBe(0);
    await expectError(await t.request('/v1/model'), 503, 'model_unavailable', /broken/);
  });

  it('serves a request entirely with the version it started with, even when a reload swaps mid-request', async () => {
    const versions = [v1, v2];
    let loads = 0;
    const t = unitApp(async () => versions[Math.min(loads++, 1)]!);
    expect((await t.request('/v1/model', undefined, ENV)).headers.get('x-edgerec-model')).toBe(tag(v1.meta.sha256));

    // A batch whose body arrives slowly: the model is pinned before the body is read.
    const gate = deferred<void>();
    const body = JSON.stringify({
      pairs: [
        { user: 'user-3', item: 'item-5' },
        { user: 'user-9', item: 'item-70' },
      ],
    });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(body.slice(0, 20)));
        await gate.promise;
        controller.enqueue(encoder.encode(body.slice(20)));
        controller.close();
      },
    });
    const slow = t.request(
      '/v1/score',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream },
      ENV,
    );
    await flush();

    const swap = await reload(t);
    expect(await readJson(swap)).toMatchObject({ status: 'swapped', model: { sha256: v2.meta.sha256 } });
    gate.resolve();

    const res = await slow;
    expect(res.headers.get('x-edgerec-model')).toBe(tag(v1.meta.sha256));
    const { results } = await readJson<{ results: { rating: number; raw: number }[] }>(res);
    const old = makeTestModel({ seed: V1_SEED });
    expect(results.map((r) => r.rating)).toEqual([predict(old, 3, 5).rating, predict(old, 9, 70).rating]);

    const next = await t.request('/v1/score?user=user-3&item=item-5', undefined, ENV);
    expect(next.headers.get('x-edgerec-model')).toBe(tag(v2.meta.sha256));
    expect((await readJson<{ rating: number }>(next)).rating).toBe(
      predict(makeTestModel({ seed: V2_SEED }), 3, 5).rating,
    );
  });

  it('re-validates the bundled artifact on reload and rejects a broken one, keeping the previous model', async () => {
    let broken = false;
    const t = unitApp(async () => {
      if (!broken) return v1;
      return parseArtifact('{"format":"edgerec-model","version":1', { source: 'bundled model/edgerec.model.json' });
    });
    expect(await readJson(await reload(t))).toMatchObject({
      status: 'loaded',
      model: { source: 'bundled', sha256: v1.meta.sha256 },
    });
    expect(await readJson(await reload(t))).toMatchObject({ status: 'unchanged' });
    broken = true;
    const res = await reload(t);
    expect(res.status).toBe(422);
    expect(res.headers.get('x-edgerec-model')).toBe(tag(v1.meta.sha256));
    expect(await res.json()).toEqual({
      error: {
        code: 'model_rejected',
        reason: 'invalid-json',
        message: expect.stringMatching(
          /^the new model was rejected \(invalid-json\), still serving [0-9a-f]{12}: bundled model\/edgerec\.model\.json is not valid JSON/,
        ),
      },
    });
    expect((await t.request('/v1/model', undefined, ENV)).headers.get('x-edgerec-model')).toBe(tag(v1.meta.sha256));
  });
});
