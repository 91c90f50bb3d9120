import { describe, expect, it } from 'vitest';
import { evaluateRatings } from './evaluate.js';
import { mae, rmse } from './metrics.js';
import { predict } from './score.js';
import { randomRatingModel } from './testing/rating-model.js';

describe('rmse and mae', () => {
  it('compute the textbook values', () => {
    expect(rmse([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(rmse([2, 4], [1, 2])).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(mae([2, 4, 0], [1, 2, 0])).toBe(1);
  });

  it('reject empty or mismatched input', () => {
    expect(() => rmse([], [])).toThrow(/no values/);
    expect(() => mae([1], [1, 2])).toThrow(/length mismatch/);
  });
});

describe('evaluateRatings', () => {
  it('uses the serving scorer and counts cold-start rows', () => {
    const model = randomRatingModel();
    const users = Int32Array.from([0, 1, -1, 2]);
    const items = Int32Array.from([0, 2, 3, -1]);
    const ratings = Float32Array.from([predict(model, 0, 0).rating, 5, 3, 2]);
    const result = evaluateRatings(model, { users, items, ratings });
    expect(result.count).toBe(4);
    expect(result.coldStart).toBe(2);
    expect(result.rmse).toBeGreaterThan(0);
    const exact = evaluateRatings(model, {
      users: Int32Array.from([0]),
      items: Int32Array.from([0]),
      ratings: Float32Array.from([predict(model, 0, 0).rating]),
    });
    expect(exact.rmse).toBeLessThan(1e-6);
  });
});
