import {
  quantizeRows,
  similarItems,
  topKItems,
  useWasmScorer,
  userQuery,
  wasmScoring,
  type RecommenderModel,
} from '@edgerec/core';
import { randomRatingModel } from '@edgerec/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recommendFor } from '../src/ranking';
import '../src/wasm-scoring';

// What src/wasm-scoring.ts installed when the module loaded; tests that switch it off put it back.
const installed = wasmScoring();
afterEach(() => {
  useWasmScorer(installed);
});

/** A rating model of 5,000 items (over the scorer's 256-item minimum), float32 or int8 item rows. */
function bigModel(int8: boolean): RecommenderModel {
  const model = randomRatingModel({ users: 3, items: 5000, dim: 21, seed: 11 });
  return int8 ? { ...model, itemFactors: quantizeRows(model.itemFactors, 21) } : model;
}

describe('wasm scoring in workerd', () => {
  it('is installed at module load from the bundled CompiledWasm module', () => {
    expect(installed).toBeDefined();
    expect(installed!.minItems).toBe(256);
  });

  for (const int8 of [false, true]) {
    it(`ranks like the JS path through the Worker's ranking (${int8 ? 'int8' : 'float32'} items)`, () => {
      const model = bigModel(int8);
      const before = installed!.stats().residentCopies;
      const viaWasm = recommendFor(model, 'u1', 25, { filter: { exclude: ['item-7', 'item-4999'] } });
      const top = topKItems(model, userQuery(model, 2), { k: 40 });
      const similar = similarItems(model, 17, { k: 12 });
      // The new item table was copied into wasm memory once, for both rankings.
      expect(installed!.stats().residentCopies).toBe(before + 1);
      useWasmScorer(undefined);
      expect(viaWasm).toEqual(recommendFor(model, 'u1', 25, { filter: { exclude: ['item-7', 'item-4999'] } }));
      expect(top).toEqual(topKItems(model, userQuery(model, 2), { k: 40 }));
      expect(similar).toEqual(similarItems(model, 17, { k: 12 }));
      expect(viaWasm.items).toHaveLength(25);
    });
  }
});
