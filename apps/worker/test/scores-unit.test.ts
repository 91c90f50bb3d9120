import { predict, seenBy, unscaleRating, type LoadedArtifact } from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../src/schemas';
import type { Score } from '../src/schemas';
import { postJson, readJson } from './helpers/http';
import { FRESH_USER_ID, HEAVY_USER_ID } from './helpers/test-model';
import { loadTestArtifact, unitApp } from './helpers/unit-app';

interface Recommendations {
  user: string;
  k: number;
  items: { item: string; rating: number; raw: number }[];
  excludedSeen: number;
  seenItems: boolean;
}

// The app serves one parse of the test artifact; the expectations come from another parse of the
// same text, scored directly with core.
let reference: LoadedArtifact;
const t = unitApp();

beforeAll(async () => {
  reference = await loadTestArtifact();
});

function expectSameScore(actual: Score, u: number, i: number, threshold = reference.model.recommendThreshold) {
  const expected = predict(reference.model, u, i, threshold);
  expect(actual.user).toBe(reference.model.users.ids[u]);
  expect(actual.item).toBe(reference.model.items.ids[i]);
  expect(Math.abs(actual.rating - expected.rating)).toBeLessThanOrEqual(1e-6);
  expect(Math.abs(actual.raw - expected.raw)).toBeLessThanOrEqual(1e-6);
  expect(Math.abs(actual.unclippedRating - unscaleRating(reference.model.scale, expected.raw))).toBeLessThanOrEqual(
    1e-6,
  );
  expect(actual.recommend).toBe(expected.recommend);
  expect(actual.threshold).toBe(threshold);
}

describe('scores', () => {
  it('POST /v1/score matches core predict for every (user, item) pair', async () => {
    const { users, items } = reference.model;
    const all: [number, number][] = [];
    for (let u = 0; u < users.size; u++) for (let i = 0; i < items.size; i++) all.push([u, i]);
    for (let start = 0; start < all.length; start += MAX_BATCH) {
      const chunk = all.slice(start, start + MAX_BATCH);
      const pairs = chunk.map(([u, i]) => ({ user: users.ids[u]!, item: items.ids[i]! }));
      const { results } = await readJson<{ results: Score[] }>(await t.request('/v1/score', postJson({ pairs })));
      expect(results).toHaveLength(chunk.length);
      chunk.forEach(([u, i], n) => expectSameScore(results[n]!, u, i));
    }
  });

  it('GET /v1/score matches core predict, with and without a threshold', async () => {
    const { users, items } = reference.model;
    let recommended = 0;
    for (let n = 0; n < 60; n++) {
      const u = (n * 7) % users.size;
      const i = (n * 13) % items.size;
      const query = `user=${encodeURIComponent(users.ids[u]!)}&item=${encodeURIComponent(items.ids[i]!)}`;
      const plain = await readJson<Score>(await t.request(`/v1/score?${query}`));
      expectSameScore(plain, u, i);
      if (plain.recommend) recommended++;
      const strict = await readJson<Score>(await t.request(`/v1/score?${query}&threshold=4.5`));
      expectSameScore(strict, u, i, 4.5);
    }
    // The sample is not degenerate: some pairs are recommended at 3.5, some are not.
    expect(recommended).toBeGreaterThan(0);
    expect(recommended).toBeLessThan(60);
  });
});

describe('recommendations', () => {
  it('rank, for every user, the best unseen items (checked by brute force with predict)', async () => {
    const { model } = reference;
    for (let u = 0; u < model.users.size; u++) {
      const user = model.users.ids[u]!;
      const seen = seenBy(model.seen!, u);
      const recs = await readJson<Recommendations>(
        await t.request(`/v1/users/${encodeURIComponent(user)}/recommendations?k=25`),
      );
      const unseen = Array.from({ length: model.items.size }, (_, i) => i).filter((i) => !seen.includes(i));
      const expected = unseen
        .map((i) => ({ i, rating: predict(model, u, i).rating }))
        .sort((a, b) => b.rating - a.rating || a.i - b.i)
        .slice(0, 25);
      expect(recs).toMatchObject({ user, k: 25, excludedSeen: seen.length, seenItems: true });
      expect(recs.items.map((r) => r.item)).toEqual(expected.map((e) => model.items.ids[e.i]));
      recs.items.forEach((r, n) => {
        expect(Math.abs(r.rating - expected[n]!.rating)).toBeLessThanOrEqual(1e-6);
        expect(seen.includes(model.items.indexOf(r.item)!)).toBe(false);
      });
    }
  });

  it('return fewer than k items when the user has rated almost everything', async () => {
    const recs = await readJson<Recommendations>(await t.request(`/v1/users/${HEAVY_USER_ID}/recommendations?k=10`));
    expect(recs.excludedSeen).toBe(77);
    expect(recs.items.map((r) => r.item).sort()).toEqual(['item-0', 'item-1', 'item-2']);
  });

  it('exclude nothing for a user who rated nothing', async () => {
    const recs = await readJson<Recommendations>(await t.request(`/v1/users/${FRESH_USER_ID}/recommendations?k=100`));
    expect(recs.excludedSeen).toBe(0);
    expect(recs.items).toHaveLength(80);
  });
});
