import { describe, expect, it } from 'vitest';
import { activate } from './activation.js';
import { dotRows, predict, predictWithFallback, rawScore } from './score.js';
import { randomRatingModel } from './testing/rating-model.js';

/** Textbook formula, written independently of the optimised scorer. */
function naiveScore(model: ReturnType<typeof randomRatingModel>, u: number, i: number): number {
  let x = model.globalBias + model.userBias[u]! + model.itemBias[i]!;
  for (let k = 0; k < model.dim; k++)
    x += model.userFactors[u * model.dim + k]! * model.itemFactors[i * model.dim + k]!;
  return activate(model.activation, x);
}

describe('scoring', () => {
  for (const activation of ['tanh', 'sigmoid', 'linear'] as const) {
    for (const dim of [1, 3, 4, 5, 8, 33]) {
      it(`matches a naive reference (${activation}, dim ${dim})`, () => {
        const model = randomRatingModel({ dim, activation, seed: dim });
        for (let u = 0; u < model.users.size; u++) {
          for (let i = 0; i < model.items.size; i++) {
            expect(rawScore(model, u, i)).toBeCloseTo(naiveScore(model, u, i), 6);
          }
        }
      });
    }
  }

  it('computes a plain dot product of two rows', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float32Array.from([0, 0, 0, 1, 1, 1]);
    expect(dotRows(a, 1, b, 1, 3)).toBe(15);
    expect(dotRows(a, 0, a, 1, 3)).toBe(32);
  });

  it('unscales to the rating range, clips, and applies the threshold', () => {
    const model = { ...randomRatingModel({ activation: 'linear' }), globalBias: 10 };
    const p = predict(model, 0, 0);
    expect(p.raw).toBeGreaterThan(1);
    expect(p.rating).toBe(5);
    expect(p.recommend).toBe(true);
    const low = predict({ ...model, globalBias: -10 }, 0, 0);
    expect(low.rating).toBe(1);
    expect(low.recommend).toBe(false);
    expect(predict(model, 0, 0, 5.5).recommend).toBe(false);
  });

  it('falls back to the known side when an id is unknown', () => {
    const model = randomRatingModel({ activation: 'linear' });
    const asRating = (x: number) => Math.min(5, Math.max(1, 1 + x * 4));
    for (let u = 0; u < model.users.size; u++) {
      expect(predictWithFallback(model, u, -1)).toBeCloseTo(asRating(model.globalBias + model.userBias[u]!), 5);
    }
    expect(predictWithFallback(model, -1, 4)).toBeCloseTo(asRating(model.globalBias + model.itemBias[4]!), 5);
    expect(predictWithFallback(model, -1, -1)).toBeCloseTo(asRating(model.globalBias), 5);
    expect(predictWithFallback(model, 2, 3)).toBeCloseTo(predict(model, 2, 3).rating, 12);
  });
});
