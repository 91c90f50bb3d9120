import { describe, expect, it } from 'vitest';
import { activate } from './activation.js';
import { evaluateRatings, type IndexedRatings } from './evaluate.js';
import { isInt8Rows, toFloat32 } from './factor-table.js';
import { quantizeRows } from './int8-rows.js';
import { assertModelShape, type RecommenderModel } from './recommender-model.js';
import { mulberry32 } from './random.js';
import { dotRows, logit, predict, predictWithFallback, rawScore } from './score.js';
import { seenBy } from './seen-items.js';
import { dequantizedModel, quantizedModel } from './test-utils/quantized.js';
import { randomRatingModel } from './testing/rating-model.js';
import { topKItems, userQuery } from './topk.js';

/** Textbook logit over plain float arrays (the dequantized tables), in float64. */
function naiveLogit(model: RecommenderModel, u: number, i: number): number {
  const { dim } = model;
  const p = toFloat32(model.userFactors, dim);
  const q = toFloat32(model.itemFactors, dim);
  let x = model.globalBias + model.userBias[u]! + model.itemBias[i]!;
  for (let k = 0; k < dim; k++) x += p[u * dim + k]! * q[i * dim + k]!;
  return x;
}

describe('scoring int8 factor tables', () => {
  for (const activation of ['tanh', 'sigmoid', 'linear'] as const) {
    for (const dim of [1, 3, 4, 5, 8, 33]) {
      it(`scores like the dequantized float32 model (${activation}, dim ${dim})`, () => {
        const original = randomRatingModel({ users: 6, items: 9, dim, activation, seed: dim + 7 });
        const int8 = quantizedModel(original);
        const userOnly = { ...original, userFactors: int8.userFactors };
        const itemOnly = { ...original, itemFactors: int8.itemFactors };
        for (const model of [int8, userOnly, itemOnly]) {
          const f32 = dequantizedModel(model);
          for (let u = 0; u < 6; u++) {
            for (let i = 0; i < 9; i++) {
              expect(Math.abs(logit(model, u, i) - naiveLogit(f32, u, i))).toBeLessThan(1e-5);
              expect(Math.abs(rawScore(model, u, i) - rawScore(f32, u, i))).toBeLessThan(1e-5);
              expect(Math.abs(predict(model, u, i).rating - predict(f32, u, i).rating)).toBeLessThan(1e-5);
              expect(Math.abs(predictWithFallback(model, u, i) - predictWithFallback(f32, u, i))).toBeLessThan(1e-5);
            }
            expect(predictWithFallback(model, u, -1)).toBe(predictWithFallback(f32, u, -1));
          }
        }
      });
    }
  }

  it('stays within the quantization error bound of the original float32 model', () => {
    const original = randomRatingModel({ users: 20, items: 40, dim: 16, seed: 5 });
    const int8 = quantizedModel(original);
    const p8 = int8.userFactors;
    const q8 = int8.itemFactors;
    if (!isInt8Rows(p8) || !isInt8Rows(q8)) throw new Error('expected int8 rows');
    let worst = 0;
    for (let u = 0; u < 20; u++) {
      for (let i = 0; i < 40; i++) {
        // p̃·q̃ − p·q = p·e_q + e_p·q + e_p·e_q with |e_p| ≤ s_p/2, |e_q| ≤ s_q/2 per component
        const sp = p8.scales[u]! / 2;
        const sq = q8.scales[i]! / 2;
        let bound = 16 * sp * sq;
        for (let k = 0; k < 16; k++) {
          bound += Math.abs(original.userFactors[u * 16 + k]!) * sq + Math.abs(original.itemFactors[i * 16 + k]!) * sp;
        }
        const error = Math.abs(logit(int8, u, i) - logit(original, u, i));
        expect(error).toBeLessThanOrEqual(bound + 1e-6);
        worst = Math.max(worst, error);
      }
    }
    expect(worst).toBeGreaterThan(0); // the quantization did change something
  });

  it('takes a dot product of every pair of row types', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float32Array.from([0, 0, 0, 127, -127, 63.5]);
    const a8 = quantizeRows(a, 3);
    const b8 = quantizeRows(b, 3);
    const naive = (x: Float32Array, r: number, y: Float32Array, s: number) =>
      x[r * 3]! * y[s * 3]! + x[r * 3 + 1]! * y[s * 3 + 1]! + x[r * 3 + 2]! * y[s * 3 + 2]!;
    const da = toFloat32(a8, 3);
    const db = toFloat32(b8, 3);
    for (const [r, s] of [
      [0, 1],
      [1, 1],
      [1, 0],
    ] as const) {
      expect(dotRows(a, r, b, s, 3)).toBe(naive(a, r, b, s));
      expect(dotRows(a8, r, b, s, 3)).toBeCloseTo(naive(da, r, b, s), 4);
      expect(dotRows(a, r, b8, s, 3)).toBeCloseTo(naive(a, r, db, s), 4);
      expect(dotRows(a8, r, b8, s, 3)).toBeCloseTo(naive(da, r, db, s), 4);
    }
  });

  it('evaluates ratings like the dequantized model', () => {
    const int8 = quantizedModel(randomRatingModel({ users: 10, items: 30, dim: 8, seed: 9 }));
    const rand = mulberry32(2);
    const n = 200;
    const rows: IndexedRatings = {
      users: Int32Array.from({ length: n }, () => Math.floor(rand() * 11) - 1),
      items: Int32Array.from({ length: n }, () => Math.floor(rand() * 31) - 1),
      ratings: Float32Array.from({ length: n }, () => 1 + Math.floor(rand() * 5)),
    };
    const got = evaluateRatings(int8, rows);
    const want = evaluateRatings(dequantizedModel(int8), rows);
    expect(got.rmse).toBeCloseTo(want.rmse, 5);
    expect(got.mae).toBeCloseTo(want.mae, 5);
    expect(got.coldStart).toBe(want.coldStart);
  });

  it('checks int8 tables against the model shape', () => {
    const model = randomRatingModel();
    expect(() => assertModelShape(quantizedModel(model))).not.toThrow();
    const wide = { ...model, itemFactors: quantizeRows(new Float32Array(11 * 5), 11) };
    expect(() => assertModelShape(wide)).toThrow(/item factors rows are 11 wide, expected 5/);
    const rows = quantizeRows(model.itemFactors, 5);
    const short = { ...model, itemFactors: { ...rows, scales: rows.scales.subarray(1) } };
    expect(() => assertModelShape(short)).toThrow(/item factors scales has 10 values, expected 11/);
  });
});

describe('top-K on int8 item rows', () => {
  const model = quantizedModel(randomRatingModel({ users: 9, items: 300, dim: 7, seed: 3 }));
  const reference = dequantizedModel(model);

  /** Sort-everything reference on the dequantized float32 model, in float64. */
  function naiveTopK(u: number, k: number, skip: Set<number>) {
    const all = [];
    for (let i = 0; i < 300; i++)
      if (!skip.has(i)) all.push({ index: i, raw: activate(model.activation, naiveLogit(reference, u, i)) });
    all.sort((a, b) => b.raw - a.raw || a.index - b.index);
    return all.slice(0, k);
  }

  it('equals the naive ranking of the dequantized model for every user and several k', () => {
    for (let u = 0; u < 9; u++) {
      const seen = seenBy(model.seen!, u);
      const query = userQuery(model, u);
      expect(Array.from(query.factors)).toEqual(Array.from(toFloat32(model.userFactors, 7).subarray(u * 7, u * 7 + 7)));
      for (const k of [1, 10, 299]) {
        const got = topKItems(model, query, { k, excludeSorted: seen });
        const want = naiveTopK(u, k, new Set(seen));
        expect(got.map((r) => r.index)).toEqual(want.map((r) => r.index));
        got.forEach((r, j) => expect(r.raw).toBeCloseTo(want[j]!.raw, 6));
      }
    }
  });

  it('ranks candidates and honours exclusions on int8 rows too', () => {
    const query = userQuery(model, 2);
    const got = topKItems(model, query, { k: 3, candidates: [5, 17, 5, 260, 99], exclude: new Set([17]) });
    const want = naiveTopK(2, 300, new Set())
      .filter((r) => [5, 260, 99].includes(r.index))
      .slice(0, 3);
    expect(got.map((r) => r.index)).toEqual(want.map((r) => r.index));
  });
});
