import { foldInUser, isInt8Rows, predict, seenBy, type LoadedArtifact, type TableEncoding } from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_HEADER } from '../src/model-store';
import { K_MAX } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import { allItems, bruteByItemBias, bruteForQuery, bruteSimilar } from './helpers/reference';
import { loadTestArtifact, unitApp } from './helpers/unit-app';

interface Similar {
  item: string;
  k: number;
  items: { item: string; similarity: number }[];
}
interface Ranking {
  items: { item: string; rating: number; raw: number }[];
}

const ENCODINGS: TableEncoding[] = ['f32-base64', 'int8-base64', 'f16-base64'];

describe.each(ENCODINGS)('GET /v1/items/{item}/similar with a %s artifact', (tableEncoding) => {
  let reference: LoadedArtifact;
  const t = unitApp(() => loadTestArtifact({ tableEncoding }));

  beforeAll(async () => {
    reference = await loadTestArtifact({ tableEncoding });
    expect(isInt8Rows(reference.model.itemFactors)).toBe(tableEncoding === 'int8-base64');
  });

  it('equals a naive cosine ranking of the dequantized item vectors, for every item', async () => {
    const { model } = reference;
    for (let i = 0; i < model.items.size; i++) {
      const k = 1 + ((i * 7) % 15);
      const item = model.items.ids[i]!;
      const res = await t.request(`/v1/items/${encodeURIComponent(item)}/similar?k=${k}`);
      const similar = await readJson<Similar>(res);
      expect(res.status).toBe(200);
      expect(similar).toMatchObject({ item, k });
      const naive = bruteSimilar(model, i);
      const naiveOf = new Map(naive.map((e) => [e.item, e.similarity]));
      expect(similar.items).toHaveLength(k);
      similar.items.forEach((entry, n) => {
        // Same values in the same order; equal ranks only where two similarities are within rounding.
        expect(Math.abs(entry.similarity - naive[n]!.similarity)).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(entry.similarity - naiveOf.get(entry.item)!)).toBeLessThanOrEqual(1e-5);
        if (n > 0) expect(entry.similarity).toBeLessThanOrEqual(similar.items[n - 1]!.similarity + 1e-12);
      });
      expect(similar.items.map((e) => e.item)).not.toContain(item);
      const separated = naive
        .slice(0, k)
        .every((e, n) => Math.abs(e.similarity - (naive[n + 1]?.similarity ?? -2)) > 1e-5);
      if (separated) expect(similar.items.map((e) => e.item)).toEqual(naive.slice(0, k).map((e) => e.item));
    }
  });

  it('returns every other item when k is larger than the catalogue', async () => {
    const similar = await readJson<Similar>(await t.request(`/v1/items/item-0/similar?k=${K_MAX}`));
    expect(similar.items).toHaveLength(reference.model.items.size - 1);
    for (const entry of similar.items) {
      expect(entry.similarity).toBeGreaterThanOrEqual(-1);
      expect(entry.similarity).toBeLessThanOrEqual(1);
    }
  });

  it('serves recommendations and fold-in from the same tables (brute force on the dequantized rows)', async () => {
    const { model } = reference;
    const ratings = [
      { item: 'item-1', rating: 5 },
      { item: 'item-20', rating: 2 },
      { item: 'item-33', rating: 4 },
    ];
    const folded = await readJson<Ranking>(await t.request('/v1/recommendations', postJson({ ratings, k: 15 })));
    const query = foldInUser(
      model,
      ratings.map((r) => ({ item: model.items.indexOf(r.item)!, rating: r.rating })),
    );
    const eligible = allItems(model).filter((i) => ![1, 20, 33].includes(i));
    expect(folded.items.map((r) => r.item)).toEqual(bruteForQuery(model, query, eligible, 15).map((r) => r.item));

    const cold = await readJson<Ranking>(await t.request('/v1/users/ghost/recommendations?k=15'));
    expect(cold.items.map((r) => r.item)).toEqual(bruteByItemBias(model, allItems(model), 15).map((r) => r.item));

    const u = 3;
    const seen = Array.from(seenBy(model.seen!, u));
    const recs = await readJson<Ranking>(await t.request('/v1/users/user-3/recommendations?k=15'));
    const expected = allItems(model)
      .filter((i) => !seen.includes(i))
      .map((i) => ({ i, raw: predict(model, u, i).raw }))
      .sort((a, b) => b.raw - a.raw || a.i - b.i)
      .slice(0, 15);
    expect(recs.items.map((r) => r.item)).toEqual(expected.map((e) => model.items.ids[e.i]));
  });
});

describe('GET /v1/items/{item}/similar errors', () => {
  const t = unitApp();

  it('answers 404 unknown_item naming the item, with the model header', async () => {
    const res = await t.request('/v1/items/no-such-item/similar');
    expect(res.headers.get(MODEL_HEADER)).toMatch(/^[0-9a-f]{12}$/);
    const error = await expectError(res, 404, 'unknown_item');
    expect(error.message).toContain('"no-such-item"');
  });

  it('decodes percent-encoded item ids (an unknown unicode id is a 404 naming it)', async () => {
    const error = await expectError(
      await t.request(`/v1/items/${encodeURIComponent('é/✓')}/similar`),
      404,
      'unknown_item',
    );
    expect(error.message).toContain('"é/✓"');
  });

  it('defaults k to 10', async () => {
    const similar = await readJson<Similar>(await t.request('/v1/items/item-5/similar'));
    expect(similar.k).toBe(10);
    expect(similar.items).toHaveLength(10);
  });

  it.each(['0', '101', '-1', '2.5', 'abc', '', 'NaN', '1e1', '10&k=20'])(
    'answers 400 invalid_request for k=%s',
    async (k) => {
      await expectError(
        await t.request(`/v1/items/item-5/similar?k=${k}`),
        400,
        'invalid_request',
        /query parameter "k": must be an integer from 1 to 100/,
      );
    },
  );

  it('validates k before the item (an unknown item with a bad k is a 400)', async () => {
    await expectError(await t.request('/v1/items/nope/similar?k=0'), 400, 'invalid_request');
  });

  it('answers 400 for an over-long item id', async () => {
    await expectError(
      await t.request(`/v1/items/${'x'.repeat(257)}/similar`),
      400,
      'invalid_request',
      /path parameter "item": must be at most 256 characters/,
    );
  });
});
