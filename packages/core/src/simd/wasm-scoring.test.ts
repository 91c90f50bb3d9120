import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FactorTable } from '../factor-table.js';
import { foldInUser } from '../fold-in.js';
import { quantizeRows } from '../int8-rows.js';
import { mulberry32 } from '../random.js';
import type { RecommenderModel } from '../recommender-model.js';
import { similarItems, type SimilarItemsOptions } from '../similar-items.js';
import { scoringModule } from '../test-utils/scoring-wasm.js';
import { randomRatingModel } from '../testing/rating-model.js';
import { topKItems, userQuery, type TopKOptions, type UserQuery } from '../topk.js';
import { useWasmScorer } from './install.js';
import type { WasmModule } from './wasm-api.js';
import { createWasmScorer, type WasmScorer } from './wasm-scorer.js';

let module: WasmModule;
beforeAll(async () => {
  module = await scoringModule();
});
afterEach(() => {
  useWasmScorer(undefined);
});

/** A scorer that takes every table (minItems 0), so small tables go through wasm too. */
function scorer(maxBytes?: number): WasmScorer {
  return createWasmScorer(module, { minItems: 0, ...(maxBytes === undefined ? {} : { maxBytes }) });
}

/** topKItems in JS and through `wasm`, which must have copied the table (proof the wasm path ran). */
function bothTopK(model: RecommenderModel, query: UserQuery, options: TopKOptions, wasm = scorer()) {
  useWasmScorer(undefined);
  const js = topKItems(model, query, options);
  useWasmScorer(wasm);
  const viaWasm = topKItems(model, query, options);
  useWasmScorer(undefined);
  expect(wasm.stats().residentCopies).toBeGreaterThan(0);
  return { js, viaWasm };
}

/** similarItems in JS and through wasm; an item whose vector is zero is ranked in JS (all similarities 0). */
function bothSimilar(model: RecommenderModel, item: number, options: SimilarItemsOptions, zeroRow: boolean) {
  const wasm = scorer();
  useWasmScorer(undefined);
  const js = similarItems(model, item, options);
  useWasmScorer(wasm);
  const viaWasm = similarItems(model, item, options);
  useWasmScorer(undefined);
  expect(wasm.stats().residentCopies).toBe(zeroRow ? 0 : 1);
  return { js, viaWasm };
}

function withItems(model: RecommenderModel, itemFactors: FactorTable, itemBias = model.itemBias): RecommenderModel {
  const n = itemBias.length;
  const ids = Array.from({ length: n }, (_, i) => `i${i}`);
  return { ...model, itemFactors, itemBias, items: { ids, size: n, indexOf: (id) => ids.indexOf(id) } };
}

/** Gaussian-like factors (items, users), so scores spread like a trained model's. */
function randomModel(items: number, dim: number, seed: number): RecommenderModel {
  const rand = mulberry32(seed);
  const g = () => rand() + rand() + rand() - 1.5;
  const base = randomRatingModel({ users: 4, items: 2, dim, seed });
  const model = { ...base, userFactors: Float32Array.from({ length: 4 * dim }, g) };
  return withItems(
    model,
    Float32Array.from({ length: items * dim }, g),
    Float32Array.from({ length: items }, () => g() * 0.2),
  );
}

describe('wasm scoring: topKItems equals the JS path', () => {
  for (const dim of [1, 3, 4, 5, 15, 16, 17, 32, 33, 64]) {
    it(`on random float32 and int8 tables (dim ${dim})`, () => {
      const f32 = randomModel(700, dim, dim);
      const i8 = withItems(f32, quantizeRows(f32.itemFactors as Float32Array, dim));
      const rand = mulberry32(dim);
      const excludeSorted = Uint32Array.from(
        new Set(Array.from({ length: 60 }, () => Math.floor(rand() * 700))),
      ).sort();
      const exclude = new Set([1, 2, 699, 5000]);
      for (const model of [f32, i8]) {
        for (const k of [1, 10, 100, 699, 700, 701, 5000]) {
          for (let u = 0; u < 4; u++) {
            const { js, viaWasm } = bothTopK(model, userQuery(model, u), { k, excludeSorted, exclude });
            expect(viaWasm).toEqual(js);
            expect(viaWasm.length).toBe(Math.min(k, 700 - new Set([...excludeSorted, 1, 2, 699]).size));
          }
        }
      }
    });
  }

  it('breaks ties by lower index when every score is equal', () => {
    const dim = 7;
    const row = Float32Array.from({ length: dim }, (_, d) => (d - 3) / 4);
    const table = new Float32Array(500 * dim).map((_, j) => row[j % dim]!);
    const f32 = withItems(randomModel(2, dim, 1), table, new Float32Array(500).fill(0.25));
    const i8 = withItems(f32, quantizeRows(table, dim));
    for (const model of [f32, i8]) {
      const { js, viaWasm } = bothTopK(model, userQuery(model, 0), { k: 20, exclude: new Set([0, 3]) });
      expect(viaWasm).toEqual(js);
      expect(viaWasm.map((r) => r.index)).toEqual([1, 2, ...Array.from({ length: 18 }, (_, j) => j + 4)]);
    }
  });

  it('ranks ±127 int8 rows, extreme and subnormal float32 values and zero rows exactly', () => {
    const dim = 19;
    const rand = mulberry32(7);
    const n = 400;
    const pick = [127, -127, 0, 1, -1, 126];
    const values = Int8Array.from({ length: n * dim }, () => pick[Math.floor(rand() * pick.length)]!);
    const scales = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1e-3 * (1 + (i % 3))));
    const bias = Float32Array.from({ length: n }, (_, i) => (i % 2 ? 3e-3 : -3e-3));
    const base = randomModel(2, dim, 3);
    const i8 = withItems(base, { values, scales, dim }, bias);
    const big = [3.4e38, -3.4e38, 1e-40, -1e-40, 0, 1, -2.5];
    const f32 = withItems(
      base,
      Float32Array.from({ length: n * dim }, () => big[Math.floor(rand() * big.length)]!),
      bias,
    );
    const queries: UserQuery[] = [
      { factors: Float32Array.from({ length: dim }, (_, d) => (d % 2 ? 3.4e38 : -1e-40)), bias: 0 },
      { factors: new Float32Array(dim), bias: 0.5 },
      { factors: Float32Array.from({ length: dim }, (_, d) => (d === 4 ? -1 : 0)), bias: 0 },
      userQuery(base, 1),
    ];
    for (const model of [i8, f32]) {
      for (const query of queries) {
        for (const k of [1, 7, 64, n]) {
          const { js, viaWasm } = bothTopK(model, query, { k });
          expect(viaWasm).toEqual(js);
        }
      }
    }
  });

  it('returns nothing when everything is excluded, and ranks a one-item catalogue', () => {
    const model = randomModel(50, 9, 4);
    const all = Uint32Array.from({ length: 50 }, (_, i) => i);
    expect(bothTopK(model, userQuery(model, 0), { k: 5, excludeSorted: all }).viaWasm).toEqual([]);
    const one = withItems(model, (model.itemFactors as Float32Array).slice(0, 9), Float32Array.of(0.1));
    const { js, viaWasm } = bothTopK(one, userQuery(one, 0), { k: 3 });
    expect(viaWasm).toEqual(js);
    expect(viaWasm.map((r) => r.index)).toEqual([0]);
  });

  it('ranks candidate lists (duplicates and exclusions as in JS) and fold-in users', () => {
    const f32 = randomModel(3000, 12, 5);
    const i8 = withItems(f32, quantizeRows(f32.itemFactors as Float32Array, 12));
    const rand = mulberry32(9);
    const candidates = Array.from({ length: 2000 }, () => Math.floor(rand() * 3000));
    const options = {
      k: 25,
      candidates,
      exclude: new Set(candidates.slice(0, 50)),
      excludeSorted: Uint32Array.of(7, 9),
    };
    for (const model of [f32, i8]) {
      const { js, viaWasm } = bothTopK(model, userQuery(model, 2), options);
      expect(viaWasm).toEqual(js);
      const folded = foldInUser(model, [
        { item: 3, rating: 5 },
        { item: 40, rating: 1 },
        { item: 41, rating: 4 },
      ]);
      const both = bothTopK(model, folded, { k: 10, excludeSorted: Uint32Array.of(3, 40, 41) });
      expect(both.viaWasm).toEqual(both.js);
    }
  });

  it('ranks a non-finite query in JS, and a table over the memory budget too', () => {
    const model = randomModel(2000, 8, 6);
    const wasm = scorer(1000);
    useWasmScorer(wasm);
    const got = topKItems(model, userQuery(model, 0), { k: 5 });
    expect(wasm.stats().residentCopies).toBe(0);
    useWasmScorer(undefined);
    expect(got).toEqual(topKItems(model, userQuery(model, 0), { k: 5 }));
    const nan = { factors: new Float32Array(8).fill(Number.NaN), bias: 0 };
    const viaWasm = scorer();
    useWasmScorer(viaWasm);
    const gotNan = topKItems(model, nan, { k: 3 });
    useWasmScorer(undefined);
    expect(gotNan.map((r) => r.index)).toEqual(topKItems(model, nan, { k: 3 }).map((r) => r.index));
  });
});

describe('wasm scoring: one table copy, several bias arrays', () => {
  it('rewrites the biases it holds when the same item table is ranked with other biases', () => {
    const model = randomModel(3000, 10, 12);
    const other = { ...model, itemBias: model.itemBias.map((b, i) => (i % 7 === 0 ? b + 1 : -b)) };
    const wasm = scorer();
    for (const m of [model, other, model]) {
      const { js, viaWasm } = bothTopK(m, userQuery(m, 1), { k: 15 }, wasm);
      expect(viaWasm).toEqual(js);
      expect(wasm.stats().residentCopies).toBe(1);
    }
    expect(bothTopK(other, userQuery(other, 1), { k: 15 }, wasm).js).not.toEqual(
      bothTopK(model, userQuery(model, 1), { k: 15 }, wasm).js,
    );
  });
});

describe('wasm scoring: the scan prunes', () => {
  it('hands far fewer than all items to the exact rescoring on a random catalogue', () => {
    for (const int8 of [false, true]) {
      const f32 = randomModel(20000, 32, 8);
      const table = int8 ? quantizeRows(f32.itemFactors as Float32Array, 32) : f32.itemFactors;
      const visited: number[] = [];
      const q = userQuery(f32, 0).factors;
      const ok = scorer().rankItems(table, f32.itemBias, 20000, 32, q, 10, new Uint32Array(0), undefined, (i) =>
        visited.push(i),
      );
      expect(ok).toBe(true);
      expect(visited.length).toBeGreaterThanOrEqual(10);
      expect(visited.length).toBeLessThan(2000);
      expect(visited).toEqual([...visited].sort((a, b) => a - b));
    }
  });
});

describe('wasm scoring: similarItems equals the JS path', () => {
  for (const dim of [2, 16, 21]) {
    it(`on float32 and int8 tables with zero rows and copies of the query row (dim ${dim})`, () => {
      const f32 = randomModel(900, dim, dim + 1);
      const table = f32.itemFactors as Float32Array;
      table.fill(0, 10 * dim, 11 * dim);
      table.copyWithin(20 * dim, 5 * dim, 6 * dim);
      table.copyWithin(30 * dim, 5 * dim, 6 * dim);
      const i8 = withItems(f32, quantizeRows(table, dim));
      for (const model of [f32, i8]) {
        for (const k of [1, 10, 898, 899, 1000]) {
          for (const item of [5, 10, 899]) {
            const options = { k, excludeSorted: Uint32Array.of(1, 2, 3), exclude: new Set([30]) };
            const { js, viaWasm } = bothSimilar(model, item, options, item === 10);
            expect(viaWasm).toEqual(js);
          }
        }
      }
    });
  }
});

describe('wasm scoring: memory', () => {
  it('keeps its copies within the budget and reuses their memory across model swaps', () => {
    const models = [randomModel(20000, 32, 1), randomModel(20000, 32, 2), randomModel(20000, 32, 3)];
    // One model's item copy (20000 records of 32 + 16 bytes) fits, two do not.
    const wasm = scorer(1_000_000);
    useWasmScorer(wasm);
    const sizes: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const model of models) {
        topKItems(model, userQuery(model, 0), { k: 10 });
        expect(wasm.stats().residentBytes).toBeLessThanOrEqual(1_000_000);
        expect(wasm.stats().residentCopies).toBe(1);
        sizes.push(wasm.stats().memoryBytes);
      }
    }
    expect(new Set(sizes.slice(1)).size).toBe(1);
    for (const model of models) wasm.release(model.itemFactors);
    expect(wasm.stats()).toMatchObject({ residentCopies: 0, residentBytes: 0 });
  });
});
