import { describe, expect, it } from 'vitest';
import { rawScore } from './score.js';
import { seenBy } from './seen-items.js';
import { randomRatingModel } from './testing/rating-model.js';
import { topKItems, userQuery } from './topk.js';

/** Sort-everything reference: score all eligible items, sort by score then index. */
function naiveTopK(model: ReturnType<typeof randomRatingModel>, u: number, k: number, skip: Set<number>) {
  const all = [];
  for (let i = 0; i < model.items.size; i++) if (!skip.has(i)) all.push({ index: i, raw: rawScore(model, u, i) });
  all.sort((a, b) => b.raw - a.raw || a.index - b.index);
  return all.slice(0, k);
}

describe('topKItems', () => {
  const model = randomRatingModel({ users: 9, items: 300, dim: 7, seed: 3 });

  it('equals the sort-everything reference for every user and several k', () => {
    for (let u = 0; u < model.users.size; u++) {
      const seen = seenBy(model.seen!, u);
      for (const k of [1, 5, 10, 299, 1000]) {
        const got = topKItems(model, userQuery(model, u), { k, excludeSorted: seen });
        const want = naiveTopK(model, u, k, new Set(seen));
        expect(got.map((r) => r.index)).toEqual(want.map((r) => r.index));
        got.forEach((r, j) => expect(r.raw).toBeCloseTo(want[j]!.raw, 6));
      }
    }
  });

  it('never returns an excluded item and honours extra exclusions', () => {
    const seen = seenBy(model.seen!, 0);
    const extra = new Set([5, 6, 7]);
    const got = topKItems(model, userQuery(model, 0), { k: 400, excludeSorted: seen, exclude: extra });
    const returned = new Set(got.map((r) => r.index));
    for (const i of seen) expect(returned.has(i)).toBe(false);
    for (const i of extra) expect(returned.has(i)).toBe(false);
    expect(got.length).toBe(300 - new Set([...seen, ...extra]).size);
  });

  it('ranks only the candidates when given, once each', () => {
    const got = topKItems(model, userQuery(model, 1), { k: 10, candidates: [4, 100, 4, 250, 7] });
    expect(got.map((r) => r.index).sort((a, b) => a - b)).toEqual([4, 7, 100, 250]);
    const scores = got.map((r) => r.raw);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('returns nothing for k = 0 and breaks ties by lower index', () => {
    expect(topKItems(model, userQuery(model, 0), { k: 0 })).toEqual([]);
    const flat = { ...model, itemFactors: new Float32Array(model.itemFactors.length), itemBias: new Float32Array(300) };
    expect(topKItems(flat, userQuery(flat, 0), { k: 3 }).map((r) => r.index)).toEqual([0, 1, 2]);
  });
});
