import {
  parseArtifact,
  rankingHead,
  serializeArtifact,
  vectorizeDimensions,
  vectorizeId,
  vectorizeItemValues,
  vectorizeNamespace,
  type LoadedArtifact,
} from '@edgerec/core';
import { handMadeMetadata, randomInteractionModel } from '@edgerec/core/testing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { expectError, postJson, readJson } from './helpers/http';
import { loadArtifact, makeInteractionArtifact, makeRankedArtifact } from './helpers/interaction-model';
import { makeTestArtifact } from './helpers/test-model';
import { textLoader, unitApp } from './helpers/unit-app';
import { VectorizeStandIn } from './helpers/vectorize-stand-in';

// ITEM_INDEX=vectorize against an in-process Vectorize stand-in (test/helpers/vectorize-stand-in.ts)
// holding what `edgerec export vectorize` wrote for each test model (test/global-setup.ts runs the
// trainer's CLI). The stand-in searches exactly, so whenever its pool covers the true top k the
// answer must equal ITEM_INDEX=exact's, item for item and score for score.

type Json = Record<string, any>;

interface Served {
  text: string;
  artifact: LoadedArtifact;
}

async function served(text: string): Promise<Served> {
  return { text, artifact: await loadArtifact(text) };
}

/** A dot-product stand-in of the model's width holding the trainer's export of it. */
async function indexOf(model: Served, options: { dimensions?: number; describeAs?: 'details' | 'info' } = {}) {
  const exported = inject('vectorizeExports')[model.artifact.meta.sha256];
  if (exported === undefined) throw new Error('global-setup exported no vectors for this model');
  const index = new VectorizeStandIn({
    dimensions: options.dimensions ?? vectorizeDimensions(rankingHead(model.artifact.model)),
    metric: 'dot-product',
    ...(options.describeAs ? { describeAs: options.describeAs } : {}),
  });
  if (options.dimensions === undefined) await index.insertNdjson(exported);
  return index;
}

const vectorizeEnv = (index: VectorizeIndex | undefined): Env => ({
  ITEM_INDEX: 'vectorize',
  ...(index ? { ITEMS_INDEX: index } : {}),
});

/** The same request answered with ITEM_INDEX=exact and =vectorize. */
async function both(model: Served, index: VectorizeIndex, path: string, init?: RequestInit) {
  const t = unitApp(textLoader(model.text));
  const exact = await readJson<Json>(await t.request(path, init, {}));
  const response = await t.request(path, init, vectorizeEnv(index));
  expect(response.status).toBe(200);
  return { exact, vectorize: await readJson<Json>(response) };
}

function withoutItemIndex(body: Json): Json {
  const { itemIndex: _, ...rest } = body;
  return rest;
}

describe('ITEM_INDEX=vectorize', () => {
  let rating: Served;
  let interaction: Served;
  let ranked: Served;
  beforeAll(async () => {
    [rating, interaction, ranked] = await Promise.all([
      served(await makeTestArtifact()),
      served(await makeInteractionArtifact()),
      served(await makeRankedArtifact()),
    ]);
  });

  it('answers every known user exactly as ITEM_INDEX=exact, for each kind of model, asking at most 100 candidates', async () => {
    for (const model of [rating, interaction, ranked]) {
      const index = await indexOf(model);
      for (const user of model.artifact.model.users.ids) {
        const path = `/v1/users/${encodeURIComponent(user)}/recommendations?k=10`;
        const { exact, vectorize } = await both(model, index, path);
        expect(exact.itemIndex).toBeUndefined();
        expect(withoutItemIndex(vectorize)).toEqual(exact);
        const topK = Math.min(100, 4 * 10 + exact.excludedSeen);
        const candidates = Math.min(topK, model.artifact.model.items.size); // a heavy user asks for more than the 80 items
        expect(vectorize.itemIndex).toEqual({ source: 'vectorize', topK, candidates, short: false });
      }
      expect(
        index.queries.every((q) => q.topK! <= 100 && q.namespace === vectorizeNamespace(model.artifact.meta.sha256)),
      ).toBe(true);
      expect(index.queries).toHaveLength(model.artifact.model.users.size);
    }
  });

  it('applies exclude and order=rating on the candidates like the exact ranking', async () => {
    const index = await indexOf(ranked);
    const user = ranked.artifact.model.users.ids[3]!;
    const plain = await both(ranked, index, `/v1/users/${user}/recommendations?k=5`);
    const excluded = plain.exact.items.slice(0, 3).map((i: Json) => i.item as string);
    const path = `/v1/users/${user}/recommendations?k=5&exclude=${excluded.join(',')}`;
    const { exact, vectorize } = await both(ranked, index, path);
    expect(vectorize.items.map((i: Json) => i.item)).not.toContain(excluded[0]);
    expect(withoutItemIndex(vectorize)).toEqual(exact);
    const byRating = await both(ranked, index, `/v1/users/${user}/recommendations?k=5&order=rating`);
    expect(byRating.vectorize.order).toBe('rating');
    expect(withoutItemIndex(byRating.vectorize)).toEqual(byRating.exact);
  });

  it('folds in new users (items and ratings bodies) and queries with their folded-in vector', async () => {
    const bodies: [Served, Json][] = [
      [interaction, { items: ['item-5', { item: 'item-47', weight: 3 }, 'item-999'], k: 8, exclude: ['item-62'] }],
      [ranked, { items: ['item-1', 'item-2', 'item-30'], k: 12 }],
      [
        ranked,
        {
          ratings: [
            { item: 'item-5', rating: 5 },
            { item: 'item-47', rating: 2 },
          ],
          k: 6,
        },
      ],
      [
        rating,
        {
          ratings: [
            { item: 'item-5', rating: 5 },
            { item: 'item-9', rating: 1 },
          ],
          k: 10,
        },
      ],
    ];
    for (const [model, body] of bodies) {
      const index = await indexOf(model);
      const { exact, vectorize } = await both(model, index, '/v1/recommendations', postJson(body));
      expect(withoutItemIndex(vectorize)).toEqual(exact);
      expect(vectorize.itemIndex).toMatchObject({ source: 'vectorize', short: false });
      expect(index.queries).toHaveLength(1);
    }
  });

  it('ranks unknown users, requests with candidates and unplaceable fold-ins exactly, and says why', async () => {
    const index = await indexOf(interaction);
    const cold = await both(interaction, index, '/v1/users/nobody/recommendations?k=4');
    expect(withoutItemIndex(cold.vectorize)).toEqual(cold.exact);
    expect(cold.vectorize.itemIndex).toEqual({
      source: 'exact',
      reason: 'an unknown user gets the cold-start ranking',
    });
    const chosen = await both(
      interaction,
      index,
      '/v1/users/user-3/recommendations?k=2&candidates=item-1,item-2,item-3',
    );
    expect(withoutItemIndex(chosen.vectorize)).toEqual(chosen.exact);
    expect(chosen.vectorize.itemIndex).toEqual({ source: 'exact', reason: 'the request gives its own candidates' });
    expect(index.queries).toHaveLength(0);

    const sigmoidHead = await served(await makeRankedArtifact({ activation: 'sigmoid' })); // a head without fold-in
    const empty = new VectorizeStandIn({
      dimensions: vectorizeDimensions(rankingHead(sigmoidHead.artifact.model)),
      metric: 'dot-product',
    });
    const body = postJson({ ratings: [{ item: 'item-5', rating: 4 }], k: 3 });
    const folded = await both(sigmoidHead, empty, '/v1/recommendations', body);
    expect(withoutItemIndex(folded.vectorize)).toEqual(folded.exact);
    expect(folded.vectorize.itemIndex.source).toBe('exact');
    expect(folded.vectorize.itemIndex.reason).toMatch(/cannot fold in ratings/);
  });

  it('reports a pool that exclusions left short of k', async () => {
    // 300 items, no seen lists: k = 100 asks for the maximum 100 candidates, and 5 of them are excluded.
    const model = randomInteractionModel({ users: 4, items: 300, dim: 5, seed: 31, biases: true });
    const text = await serializeArtifact(model, handMadeMetadata(model));
    const { meta } = await parseArtifact(text, { source: 'test' });
    const index = new VectorizeStandIn({ dimensions: 6, metric: 'dot-product' });
    await index.insert(
      Array.from({ length: 300 }, (_, i) => ({
        id: vectorizeId(meta.sha256, i),
        namespace: vectorizeNamespace(meta.sha256),
        values: vectorizeItemValues(model, i),
      })),
    );
    const t = unitApp(textLoader(text));
    for (const user of ['u1', 'u2', 'u3', 'u4']) {
      // 40 candidates of 300: the bias coordinate and the query's 1 decide which.
      const path = `/v1/users/${user}/recommendations?k=10`;
      const pooled = await readJson<Json>(await t.request(path, undefined, vectorizeEnv(index)));
      expect(withoutItemIndex(pooled)).toEqual(await readJson<Json>(await t.request(path)));
      expect(pooled.itemIndex).toEqual({ source: 'vectorize', topK: 40, candidates: 40, short: false });
    }
    const top = await readJson<Json>(
      await t.request('/v1/users/u2/recommendations?k=100', undefined, vectorizeEnv(index)),
    );
    expect(top.items).toHaveLength(100);
    expect(top.itemIndex).toEqual({ source: 'vectorize', topK: 100, candidates: 100, short: false });
    const exclude = top.items
      .slice(0, 5)
      .map((i: Json) => i.item)
      .join(',');
    const short = await readJson<Json>(
      await t.request(`/v1/users/u2/recommendations?k=100&exclude=${exclude}`, undefined, vectorizeEnv(index)),
    );
    expect(short.items).toHaveLength(95);
    expect(short.items).toEqual(top.items.slice(5));
    expect(short.itemIndex).toEqual({ source: 'vectorize', topK: 100, candidates: 100, short: true });
    const exact = await readJson<Json>(await t.request(`/v1/users/u2/recommendations?k=100&exclude=${exclude}`));
    expect(exact.items).toHaveLength(100); // the exact scan finds the 5 the pool lacked
  });

  it('refuses an index of another width or metric with a 503, in either describe() shape, and GET /v1/model says why', async () => {
    for (const describeAs of ['details', 'info'] as const) {
      const index = await indexOf(interaction, { dimensions: 9, describeAs });
      const t = unitApp(textLoader(interaction.text));
      await expectError(
        await t.request('/v1/users/user-3/recommendations', undefined, vectorizeEnv(index)),
        503,
        'item_index_unavailable',
        /the Vectorize index has 9 dimensions; this model's ranking head needs 7 \(dim 6 \+ the bias\)/,
      );
      const info = await readJson<Json>(await t.request('/v1/model', undefined, vectorizeEnv(index)));
      expect(info.itemIndex).toMatchObject({ mode: 'vectorize', status: 'unavailable', dimensions: 7 });
      expect(info.itemIndex.reason).toMatch(/9 dimensions/);
      expect(index.queries).toHaveLength(0);
    }
    const cosine = new VectorizeStandIn({ dimensions: 7, metric: 'cosine' });
    await expectError(
      await unitApp(textLoader(interaction.text)).request(
        '/v1/recommendations',
        postJson({ items: ['item-1'] }),
        vectorizeEnv(cosine),
      ),
      503,
      'item_index_unavailable',
      /uses the cosine metric; create it with --metric=dot-product/,
    );
  });

  it("refuses an index built from another model: no vectors in this model's namespace, or ids of another model", async () => {
    const t = unitApp(textLoader(ranked.text));
    const others = await indexOf(interaction); // same width (7), another model's namespace
    expect(vectorizeDimensions(rankingHead(ranked.artifact.model))).toBe(7);
    await expectError(
      await t.request('/v1/users/user-3/recommendations', undefined, vectorizeEnv(others)),
      503,
      'item_index_unavailable',
      /holds no vectors in namespace edgerec-[0-9a-f]{32}/,
    );
    const relabelled = new VectorizeStandIn({ dimensions: 7, metric: 'dot-product' });
    const lines = inject('vectorizeExports')[interaction.artifact.meta.sha256]!.trim().split('\n');
    await relabelled.insert(
      lines.map((line) => ({
        ...(JSON.parse(line) as VectorizeVector),
        namespace: vectorizeNamespace(ranked.artifact.meta.sha256),
      })),
    );
    await expectError(
      await t.request('/v1/users/user-3/recommendations', undefined, vectorizeEnv(relabelled)),
      503,
      'item_index_unavailable',
      /not an item of model [0-9a-f]{12}: the index was built from another model/,
    );
  });

  it('answers 503 without a binding or with an unknown ITEM_INDEX, and GET /v1/model reports the mode in use', async () => {
    const t = unitApp(textLoader(interaction.text));
    await expectError(
      await t.request('/v1/users/user-3/recommendations', undefined, vectorizeEnv(undefined)),
      503,
      'item_index_unavailable',
      /no Vectorize index is bound as ITEMS_INDEX/,
    );
    await expectError(
      await t.request('/v1/users/nobody/recommendations', undefined, { ITEM_INDEX: 'vectorise' }),
      503,
      'item_index_unavailable',
      /ITEM_INDEX must be "exact", "ivf" or "vectorize" \(got "vectorise"\)/,
    );
    const missing = await readJson<Json>(await t.request('/v1/model', undefined, vectorizeEnv(undefined)));
    expect(missing.itemIndex).toEqual({
      mode: 'vectorize',
      status: 'unavailable',
      reason: expect.stringMatching(/no Vectorize index is bound/),
    });
    const exact = await readJson<Json>(await t.request('/v1/model'));
    expect(exact.itemIndex).toEqual({ mode: 'exact', status: 'ok' });
    const index = await indexOf(interaction, { describeAs: 'info' });
    const ok = await readJson<Json>(await t.request('/v1/model', undefined, vectorizeEnv(index)));
    expect(ok.itemIndex).toEqual({
      mode: 'vectorize',
      status: 'ok',
      binding: 'ITEMS_INDEX',
      namespace: vectorizeNamespace(interaction.artifact.meta.sha256),
      dimensions: 7,
      vectors: 80,
    });
  });
});
