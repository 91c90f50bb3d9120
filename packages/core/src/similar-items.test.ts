import { describe, expect, it } from 'vitest';
import { toFloat32 } from './factor-table.js';
import type { RecommenderModel } from './recommender-model.js';
import { rowNorms } from './row-norms.js';
import { similarItems } from './similar-items.js';
import { quantizedModel } from './test-utils/quantized.js';
import { randomRatingModel } from './testing/rating-model.js';

/** Cosine of every other item to `item` on the (dequantized) float rows, in float64, sorted. */
function naiveSimilar(model: RecommenderModel, item: number, skip: Set<number> = new Set()) {
  const { dim } = model;
  const q = toFloat32(model.itemFactors, dim);
  const row = (i: number) => Array.from(q.subarray(i * dim, (i + 1) * dim));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const a = row(item);
  const all = [];
  for (let i = 0; i < model.items.size; i++) {
    if (i === item || skip.has(i)) continue;
    const b = row(i);
    const d = norm(a) * norm(b);
    all.push({ index: i, similarity: d > 0 ? a.reduce((s, x, k) => s + x * b[k]!, 0) / d : 0 });
  }
  return all.sort((x, y) => y.similarity - x.similarity || x.index - y.index);
}

describe('similarItems', () => {
  const f32 = randomRatingModel({ users: 2, items: 250, dim: 9, seed: 12 });
  const int8 = quantizedModel(f32);

  for (const [name, model] of [
    ['float32', f32],
    ['int8', int8],
  ] as const) {
    it(`equals the naive cosine ranking (${name})`, () => {
      for (const item of [0, 1, 77, 249]) {
        for (const k of [1, 10, 249, 500]) {
          const got = similarItems(model, item, { k });
          const want = naiveSimilar(model, item).slice(0, k);
          expect(got.map((r) => r.index)).toEqual(want.map((r) => r.index));
          got.forEach((r, j) => expect(r.similarity).toBeCloseTo(want[j]!.similarity, 6));
        }
      }
    });
  }

  it('int8 similarities stay close to the float32 ones', () => {
    const got = similarItems(int8, 5, { k: 249 });
    const exact = new Map(naiveSimilar(f32, 5).map((r) => [r.index, r.similarity]));
    for (const r of got) expect(Math.abs(r.similarity - exact.get(r.index)!)).toBeLessThan(0.02);
  });

  it('never returns the item itself and honours both exclusion lists', () => {
    const excludeSorted = Uint32Array.from([0, 2, 4, 100]);
    const exclude = new Set([3, 250, 7]);
    const got = similarItems(f32, 1, { k: 1000, excludeSorted, exclude });
    const returned = new Set(got.map((r) => r.index));
    for (const i of [1, 0, 2, 4, 100, 3, 7]) expect(returned.has(i)).toBe(false);
    expect(got.length).toBe(250 - 7);
    expect(got.map((r) => r.index)).toEqual(naiveSimilar(f32, 1, new Set([0, 2, 4, 100, 3, 7])).map((r) => r.index));
  });

  it('gives zero vectors similarity 0 and breaks ties by lower index', () => {
    const model = randomRatingModel({ items: 8, dim: 3, seed: 4 });
    const q = model.itemFactors;
    q.fill(0, 2 * 3, 3 * 3); // item 2 is a zero vector
    q.set([1, 2, 3], 0); // items 0, 5 and 6 point the same way
    q.set([2, 4, 6], 5 * 3);
    q.set([0.5, 1, 1.5], 6 * 3);
    const fromZero = similarItems(model, 2, { k: 8 });
    expect(fromZero.map((r) => r.index)).toEqual([0, 1, 3, 4, 5, 6, 7]);
    expect(fromZero.every((r) => r.similarity === 0)).toBe(true);
    const got = similarItems(model, 0, { k: 7 });
    expect(got.slice(0, 2)).toEqual([
      { index: 5, similarity: 1 },
      { index: 6, similarity: 1 },
    ]);
    expect(got.find((r) => r.index === 2)!.similarity).toBe(0);
  });

  it('computes the row norms once per table', () => {
    const model = randomRatingModel({ items: 30, seed: 8 });
    const norms = rowNorms(model.itemFactors, model.dim);
    similarItems(model, 3, { k: 5 });
    expect(rowNorms(model.itemFactors, model.dim)).toBe(norms);
    expect(norms[4]).toBeCloseTo(Math.hypot(...model.itemFactors.subarray(20, 25)), 12);
  });

  it('rejects an item index outside the catalogue and returns nothing for k = 0', () => {
    expect(() => similarItems(f32, 250, { k: 3 })).toThrow(
      /item index 250 is out of range \(the model has 250 items\)/,
    );
    expect(() => similarItems(f32, -1, { k: 3 })).toThrow(RangeError);
    expect(similarItems(f32, 0, { k: 0 })).toEqual([]);
  });
});
