import { describe, expect, it } from 'vitest';
import { logit } from '../score.js';
import { quantizedModel } from '../test-utils/quantized.js';
import { randomInteractionModel } from '../testing/interaction-model.js';
import { randomRatingModel } from '../testing/rating-model.js';
import { userQuery } from '../topk.js';
import {
  VECTORIZE_MAX_ID_BYTES,
  vectorizeDimensions,
  vectorizeId,
  vectorizeItemIndex,
  vectorizeItemValues,
  vectorizeNamespace,
  vectorizeQueryValues,
} from './vectorize.js';

const SHA = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

describe('the Vectorize format', () => {
  const models = {
    'interaction, biased': randomInteractionModel({ users: 6, items: 40, dim: 7, seed: 3, biases: true }),
    'rating (sigmoid)': randomRatingModel({ users: 6, items: 40, dim: 5, seed: 4, activation: 'sigmoid' }),
    'rating, int8 tables': quantizedModel(randomRatingModel({ users: 6, items: 40, dim: 5, seed: 5 })),
  };

  for (const [name, model] of Object.entries(models)) {
    it(`${name}: query · item + globalBias + userBias is the logit`, () => {
      expect(vectorizeDimensions(model)).toBe(model.dim + 1);
      for (let u = 0; u < model.users.size; u++) {
        const query = userQuery(model, u);
        const q = vectorizeQueryValues(query);
        expect(q.length).toBe(model.dim + 1);
        expect(q[model.dim]).toBe(1);
        for (let i = 0; i < model.items.size; i++) {
          const v = vectorizeItemValues(model, i);
          expect(v[model.dim]).toBe(model.itemBias[i]);
          expect(dot(q, v) + model.globalBias + query.bias).toBeCloseTo(logit(model, u, i), 5);
        }
      }
    });
  }

  it('ids name the item index and the model, fit Vectorize, and are refused for another model', () => {
    const id = vectorizeId(SHA, 12345);
    expect(id).toBe('abababababab-12345');
    expect(new TextEncoder().encode(vectorizeId(SHA, 49_999_999)).length).toBeLessThanOrEqual(VECTORIZE_MAX_ID_BYTES);
    expect(vectorizeItemIndex(id, SHA, 20_000)).toBe(12345);
    expect(vectorizeItemIndex(id, SHA, 12_345)).toBeUndefined(); // out of range
    expect(vectorizeItemIndex(id, OTHER, 20_000)).toBeUndefined();
    for (const bad of ['abababababab-', 'abababababab-01', 'abababababab-1.5', 'abababababab--1', 'x'])
      expect(vectorizeItemIndex(bad, SHA, 100)).toBeUndefined();
  });

  it('the namespace is per model and fits Vectorize', () => {
    expect(vectorizeNamespace(SHA)).toBe(`edgerec-${'ab'.repeat(16)}`);
    expect(vectorizeNamespace(SHA).length).toBeLessThanOrEqual(VECTORIZE_MAX_ID_BYTES);
    expect(vectorizeNamespace(OTHER)).not.toBe(vectorizeNamespace(SHA));
    expect(() => vectorizeNamespace('ABC')).toThrow(/sha256/);
  });
});
