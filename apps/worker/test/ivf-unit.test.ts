import { buildIvfIndex, parseArtifact, probeLists, rankingHead, userQuery, withIvfIndex } from '@edgerec/core';
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { expectError, postJson, readJson } from './helpers/http';
import { makeInteractionArtifact, makeRankedArtifact } from './helpers/interaction-model';
import { BASE } from './helpers/r2';
import { makeTestArtifact } from './helpers/test-model';
import { textLoader, unitApp } from './helpers/unit-app';

// ITEM_INDEX=ivf in workerd: each test model gets an IVF index from core (what `edgerec index
// build` stores). Probing every list makes the candidates the whole catalogue, so the answer must
// equal ITEM_INDEX=exact's, item for item and score for score; fewer lists rank only their items.

type Json = Record<string, any>;

const ivfEnv: Env = { ITEM_INDEX: 'ivf' };
const LISTS = 8;

/** The artifact text with an IVF index of LISTS lists over its ranking head (default nprobe 2 when `probe`). */
async function indexed(text: string, probe = false): Promise<string> {
  const { model } = await parseArtifact(text);
  const built = buildIvfIndex(rankingHead(model), { lists: LISTS, seed: 3 });
  const index = probe ? { ...built, probe: { nprobe: 2, recall: 0.9, k: 10, users: 5 } } : built;
  return (await withIvfIndex(text, index)).text;
}

function withoutItemIndex(body: Json): Json {
  const { itemIndex: _, ...rest } = body;
  return rest;
}

/** The same request answered with ITEM_INDEX=exact and =ivf. */
async function both(text: string, path: string, init?: RequestInit) {
  const t = unitApp(textLoader(text));
  const exact = await readJson<Json>(await t.request(path, init, {}));
  const response = await t.request(path, init, ivfEnv);
  expect(response.status).toBe(200);
  return { exact, ivf: await readJson<Json>(response) };
}

describe('ITEM_INDEX=ivf', () => {
  let models: string[];
  beforeAll(async () => {
    models = await Promise.all(
      [makeTestArtifact(), makeInteractionArtifact(), makeRankedArtifact()].map(async (t) => indexed(await t)),
    );
  });

  it('with nprobe = every list answers every known user exactly as ITEM_INDEX=exact, for each kind of model', async () => {
    for (const text of models) {
      const { model } = await parseArtifact(text);
      for (const user of model.users.ids) {
        const path = `/v1/users/${encodeURIComponent(user)}/recommendations?k=10&nprobe=${LISTS}`;
        const { exact, ivf } = await both(text, path);
        expect(withoutItemIndex(ivf)).toEqual(exact);
        expect(ivf.itemIndex).toEqual({
          source: 'ivf',
          nprobe: LISTS,
          lists: LISTS,
          candidates: model.items.size,
          short: false,
        });
      }
    }
  });

  it('with fewer lists ranks only the items of the lists whose centroids score best for the user', async () => {
    const text = models[1]!;
    const { model } = await parseArtifact(text);
    const index = rankingHead(model).ivf!;
    const user = model.users.ids[4]!;
    const t = unitApp(textLoader(text));
    const body = await readJson<Json>(
      await t.request(`/v1/users/${user}/recommendations?k=5&nprobe=2`, undefined, ivfEnv),
    );
    const lists = probeLists(index, userQuery(model, 4), 2);
    const probed = new Set<string>();
    for (const l of lists) {
      for (const i of index.items.subarray(index.offsets[l]!, index.offsets[l + 1]!)) probed.add(model.items.ids[i]!);
    }
    expect(body.itemIndex).toMatchObject({ source: 'ivf', nprobe: 2, lists: LISTS, candidates: probed.size });
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((item: Json) => probed.has(item.item))).toBe(true);
    // A request without nprobe probes the artifact's default; nprobe above the lists is clamped.
    const stored = await indexed(await makeInteractionArtifact(), true);
    const s = unitApp(textLoader(stored));
    const byDefault = await readJson<Json>(await s.request(`/v1/users/${user}/recommendations`, undefined, ivfEnv));
    expect(byDefault.itemIndex).toMatchObject({ source: 'ivf', nprobe: 2, lists: LISTS });
    const clamped = await readJson<Json>(
      await s.request(`/v1/users/${user}/recommendations?nprobe=4096`, undefined, ivfEnv),
    );
    expect(clamped.itemIndex).toMatchObject({ nprobe: LISTS, candidates: model.items.size });
  });

  it('applies exclude, seen items and order=rating like the exact ranking, and ranks unknown users and own candidates exactly', async () => {
    const ranked = models[2]!;
    const plain = await both(ranked, `/v1/users/user-3/recommendations?k=5&nprobe=${LISTS}`);
    const excluded = plain.exact.items.slice(0, 3).map((i: Json) => i.item as string);
    const { exact, ivf } = await both(
      ranked,
      `/v1/users/user-3/recommendations?k=5&nprobe=${LISTS}&exclude=${excluded.join(',')}`,
    );
    expect(ivf.items.map((i: Json) => i.item)).not.toContain(excluded[0]);
    expect(withoutItemIndex(ivf)).toEqual(exact);
    const byRating = await both(ranked, `/v1/users/user-3/recommendations?k=5&order=rating&nprobe=${LISTS}`);
    expect(byRating.ivf.order).toBe('rating');
    expect(withoutItemIndex(byRating.ivf)).toEqual(byRating.exact);
    const cold = await both(ranked, '/v1/users/nobody/recommendations?k=4');
    expect(cold.ivf.itemIndex).toEqual({ source: 'exact', reason: 'an unknown user gets the cold-start ranking' });
    const own = await both(ranked, '/v1/users/user-3/recommendations?k=4&candidates=item-1,item-2,item-9');
    expect(own.ivf.itemIndex).toEqual({ source: 'exact', reason: 'the request gives its own candidates' });
    expect(withoutItemIndex(own.ivf)).toEqual(own.exact);
  });

  it('folds in new users (items and ratings bodies) and probes with their folded-in vector', async () => {
    const cases: [string, Json][] = [
      [models[1]!, { items: ['item-5', { item: 'item-47', weight: 3 }], k: 8, exclude: ['item-62'], nprobe: LISTS }],
      [
        models[2]!,
        {
          ratings: [
            { item: 'item-5', rating: 5 },
            { item: 'item-9', rating: 2 },
          ],
          k: 6,
          nprobe: LISTS,
        },
      ],
    ];
    for (const [text, body] of cases) {
      const { exact, ivf } = await both(text, '/v1/recommendations', postJson(body));
      expect(withoutItemIndex(ivf)).toEqual(withoutItemIndex(exact));
      expect(ivf.itemIndex).toMatchObject({ source: 'ivf', nprobe: LISTS, lists: LISTS });
    }
    const narrow = await both(models[1]!, '/v1/recommendations', postJson({ items: ['item-5'], k: 3, nprobe: 1 }));
    expect(narrow.ivf.itemIndex.nprobe).toBe(1);
    expect(narrow.ivf.itemIndex.candidates).toBeLessThan(80);
  });

  it('refuses nprobe out of range, answers 503 for a model without an index, and GET /v1/model reports the index', async () => {
    const t = unitApp(textLoader(models[1]!));
    for (const nprobe of ['0', '4097', '2.5', 'all']) {
      await expectError(
        await t.request(`/v1/users/user-3/recommendations?nprobe=${nprobe}`, undefined, ivfEnv),
        400,
        'invalid_request',
        /nprobe.*must be an integer from 1 to 4096/,
      );
    }
    await expectError(
      await t.request('/v1/recommendations', postJson({ items: ['item-5'], nprobe: 0 }), ivfEnv),
      400,
      'invalid_request',
      /nprobe.*must be an integer from 1 to 4096/,
    );
    const info = await readJson<Json>(await t.request('/v1/model', undefined, ivfEnv));
    expect(info.itemIndex).toEqual({ mode: 'ivf', status: 'ok', lists: LISTS, nprobe: LISTS });

    const plain = unitApp(textLoader(await makeInteractionArtifact()));
    await expectError(
      await plain.request('/v1/users/user-3/recommendations', undefined, ivfEnv),
      503,
      'item_index_unavailable',
      /this model carries no IVF index: build one with `edgerec index build/,
    );
    const missing = await readJson<Json>(await plain.request('/v1/model', undefined, ivfEnv));
    expect(missing.itemIndex).toMatchObject({ mode: 'ivf', status: 'unavailable' });
    const exactMode = await readJson<Json>(await plain.request('/v1/users/user-3/recommendations'));
    expect(exactMode.itemIndex).toBeUndefined();
  });

  it('probes with the folded-in vector of a user with stored events', async () => {
    const token = 'ivf-events-token-0123456789';
    const app = createApp({ loadModel: textLoader(models[1]!) });
    const call = (path: string, init: RequestInit | undefined, overrides: Partial<Env>) =>
      Promise.resolve(
        app.fetch(
          new Request(`${BASE}${path}`, init),
          { ...env, EVENTS_TOKEN: token, ...overrides },
          createExecutionContext(),
        ),
      );
    const user = `ivf-events-${crypto.randomUUID().slice(0, 8)}`;
    const events = ['item-5', 'item-47', 'item-12'].map((item) => ({ id: crypto.randomUUID(), user, item }));
    const posted = await call('/v1/events', postJson({ events }, { authorization: `Bearer ${token}` }), {});
    expect(posted.status).toBe(200);
    try {
      const path = `/v1/users/${user}/recommendations?k=6&nprobe=${LISTS}`;
      const exact = await readJson<Json>(await call(path, undefined, {}));
      const ivf = await readJson<Json>(await call(path, undefined, ivfEnv));
      expect(exact.events).toMatchObject({ stored: 3, used: true });
      expect(withoutItemIndex(ivf)).toEqual(exact);
      expect(ivf.itemIndex).toEqual({ source: 'ivf', nprobe: LISTS, lists: LISTS, candidates: 80, short: false });
      const narrow = await readJson<Json>(
        await call(`/v1/users/${user}/recommendations?k=6&nprobe=1`, undefined, ivfEnv),
      );
      expect(narrow.itemIndex).toMatchObject({ source: 'ivf', nprobe: 1 });
      expect(narrow.itemIndex.candidates).toBeLessThan(80);
    } finally {
      const removed = await call(
        `/v1/users/${user}`,
        { method: 'DELETE', headers: { authorization: `Bearer ${token}` } },
        {},
      );
      expect(removed.status).toBe(200);
    }
  });
});
