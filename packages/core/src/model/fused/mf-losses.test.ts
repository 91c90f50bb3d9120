import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../random.js';
import { loadBackend } from '../backend.js';
import type { Tf } from '../tf.js';
import { createFusedEngine } from './fused-engine.js';
import { buildMemberships } from './memberships.js';
import type { MfLoss } from './mf-losses.js';
import {
  accumulateGradients,
  createMfScratch,
  mfTrainStep,
  zerosLike,
  type MfBatch,
  type MfStepConfig,
} from './mf-step.js';
import {
  createMfTables,
  effectiveItem,
  effectiveUser,
  TABLE_NAMES,
  type MfStructure,
  type MfTables,
} from './mf-tables.js';

const base: MfStepConfig = {
  activation: 'sigmoid',
  globalBias: -0.3,
  dropout: 0,
  l2: 0.05,
  learningRate: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  nonneg: false,
};

const USERS = 4;
const ITEMS = 6;
const DIM = 3;

const structures: Record<string, MfStructure> = {
  plain: {},
  implicit: { implicit: buildMemberships(USERS, ITEMS, [0, 0, 1, 2, 2, 3], [1, 4, 0, 2, 5, 1]) },
  'implicit + side features': {
    implicit: buildMemberships(USERS, ITEMS, [0, 0, 1, 2, 2, 3], [1, 4, 0, 2, 5, 1]),
    userFeatures: buildMemberships(USERS, 2, [0, 1, 3], [0, 1, 1]),
    itemFeatures: buildMemberships(ITEMS, 2, [0, 2, 2, 5], [0, 0, 1, 1]),
  },
};

/** Random non-zero tables for a structure. */
function tablesFor(structure: MfStructure, seed: number): MfTables {
  const tables = createMfTables({ users: USERS, items: ITEMS, dim: DIM }, structure, 0.5, seed);
  const random = mulberry32(seed + 10);
  for (const name of TABLE_NAMES) {
    const table = tables[name];
    if (table) for (let k = 0; k < table.length; k++) table[k] = 1.2 * (random() - 0.5);
  }
  return tables;
}

/** BCE rows (a positive, then sampled negatives, weighted) or BPR pairs (positives, then their negatives). */
function batchFor(loss: 'bce' | 'bpr'): MfBatch {
  if (loss === 'bce') {
    return {
      users: Int32Array.from([0, 0, 0, 1, 1, 2, 3, 3]),
      items: Int32Array.from([1, 3, 5, 0, 2, 2, 1, 1]),
      targets: Float32Array.from([1, 0, 0, 1, 0, 1, 1, 0]),
      weights: Float32Array.from([2, 1, 1, 0.5, 1, 1, 3, 1]),
      size: 8,
    };
  }
  return {
    users: Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]),
    items: Int32Array.from([1, 0, 2, 1, 3, 4, 0, 5]),
    targets: new Float32Array(8),
    weights: Float32Array.from([1, 2, 0.5, 1, 9, 9, 9, 9]),
    size: 8,
  };
}

/** The loss the step differentiates, written out plainly in float64 (data term and L2 apart). */
function referenceLoss(
  loss: 'bce' | 'bpr',
  tables: MfTables,
  structure: MfStructure,
  batch: MfBatch,
  touchedSide: Record<string, Set<number>>,
): { data: number; total: number } {
  const B = batch.size;
  // Float64 scratch: float32 would round away the finite-difference step.
  const uv = new Float64Array(DIM) as unknown as Float32Array;
  const iv = new Float64Array(DIM) as unknown as Float32Array;
  const logit = (r: number) => {
    const bu = effectiveUser(tables, structure, batch.users[r]!, uv, 0);
    const bi = effectiveItem(tables, structure, batch.items[r]!, iv, 0);
    let x = base.globalBias + bu + bi;
    for (let k = 0; k < DIM; k++) x += uv[k]! * iv[k]!;
    return x;
  };
  let data = 0;
  if (loss === 'bce') {
    for (let r = 0; r < B; r++) {
      const p = 1 / (1 + Math.exp(-logit(r)));
      const y = batch.targets[r]!;
      data -= batch.weights![r]! * (y * Math.log(p) + (1 - y) * Math.log(1 - p));
    }
  } else {
    for (let r = 0; r < B / 2; r++)
      data -= batch.weights![r]! * Math.log(1 / (1 + Math.exp(-(logit(r) - logit(r + B / 2)))));
  }
  let reg = 0;
  for (let r = 0; r < B; r++) {
    const u = batch.users[r]!;
    const i = batch.items[r]!;
    reg += tables.BU[u]! ** 2 + tables.BI[i]! ** 2;
    for (let k = 0; k < DIM; k++) reg += tables.P[u * DIM + k]! ** 2 + tables.Q[i * DIM + k]! ** 2;
  }
  for (const [name, rows] of Object.entries(touchedSide)) {
    const table = tables[name as 'Y']!;
    const width = name.endsWith('B') ? 1 : DIM;
    for (const row of rows) for (let k = 0; k < width; k++) reg += table[row * width + k]! ** 2;
  }
  const mean = loss === 'bce' ? data / B : data / (B / 2);
  return { data, total: mean + (base.l2 / B) * reg };
}

for (const loss of ['bce', 'bpr'] as const) {
  const config: MfStepConfig = { ...base, loss, activation: loss === 'bce' ? 'sigmoid' : 'linear' };
  describe(`the '${loss}' loss`, () => {
    for (const [label, structure] of Object.entries(structures)) {
      it(`matches central finite differences for every parameter it touches (${label})`, () => {
        const tables = tablesFor(structure, 3);
        const batch = batchFor(loss);
        const scratch = createMfScratch(tables, structure, 1);
        const returned = accumulateGradients(tables, structure, scratch, batch, config);
        const touchedSide: Record<string, Set<number>> = {};
        for (const [name, bias, space] of [
          ['Y', undefined, scratch.touched.Y],
          ['UA', 'UAB', scratch.touched.UA],
          ['IA', 'IAB', scratch.touched.IA],
        ] as const) {
          const rows = new Set(Array.from(space.list.subarray(0, space.size)));
          touchedSide[name] = rows;
          if (bias) touchedSide[bias] = rows;
        }
        const wide = Object.fromEntries(
          TABLE_NAMES.filter((n) => tables[n]).map((n) => [n, Float64Array.from(tables[n]!)]),
        ) as unknown as Record<string, Float64Array>;
        const asTables = { dim: DIM, ...wide } as unknown as MfTables;
        expect(returned).toBeCloseTo(referenceLoss(loss, asTables, structure, batch, touchedSide).data, 5);
        let checked = 0;
        for (const name of TABLE_NAMES) {
          const table = wide[name];
          if (!table) continue;
          for (let k = 0; k < table.length; k++) {
            const h = 1e-6;
            const keep = table[k]!;
            table[k] = keep + h;
            const up = referenceLoss(loss, asTables, structure, batch, touchedSide).total;
            table[k] = keep - h;
            const down = referenceLoss(loss, asTables, structure, batch, touchedSide).total;
            table[k] = keep;
            expect(scratch.grad[name]![k]!, `${name}[${k}]`).toBeCloseTo((up - down) / (2 * h), 5);
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(structure.implicit ? 50 : 30);
      });
    }
  });
}

describe('loss checks', () => {
  const tables = tablesFor({}, 4);
  const scratch = createMfScratch(tables, {}, 1);

  it("'bpr' leaves user biases to L2 alone: the pair's b_u terms cancel", () => {
    const t = tablesFor({}, 5);
    const s = createMfScratch(t, {}, 1);
    accumulateGradients(t, {}, s, batchFor('bpr'), { ...base, loss: 'bpr', activation: 'linear', l2: 0 });
    expect(Array.from(s.grad.BU!)).toEqual([0, 0, 0, 0]);
    expect(Math.max(...s.grad.BI!.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it("'bce' stays finite for huge logits", () => {
    const t = tablesFor({}, 6);
    const s = createMfScratch(t, {}, 1);
    const batch = batchFor('bce');
    const value = accumulateGradients(t, {}, s, batch, { ...base, loss: 'bce', globalBias: 1e4 });
    // Every negative row costs ≈ its weight × 1e4; positives cost ≈ 0.
    expect(value).toBeGreaterThan(1e4);
    expect(Number.isFinite(value)).toBe(true);
    expect(s.grad.P!.every(Number.isFinite)).toBe(true);
  });

  it('rejects batches and activations the loss cannot use', () => {
    expect(() =>
      accumulateGradients(tables, {}, scratch, batchFor('bce'), { ...base, loss: 'bce', activation: 'tanh' }),
    ).toThrow(/sigmoid/);
    const odd = { ...batchFor('bpr'), size: 7 };
    expect(() => accumulateGradients(tables, {}, scratch, odd, { ...base, loss: 'bpr' })).toThrow(/pairs/);
    const mismatched = batchFor('bpr');
    mismatched.users[5] = 3;
    expect(() => accumulateGradients(tables, {}, scratch, mismatched, { ...base, loss: 'bpr' })).toThrow(
      /negative of row 1/,
    );
  });
});

for (const backendName of ['cpu', 'wasm'] as const) {
  describe(`the kernel on ${backendName} with the interaction losses`, () => {
    let tf: Tf;
    beforeAll(async () => {
      tf = (await loadBackend(backendName)).tf;
    });

    for (const loss of ['bce', 'bpr'] satisfies MfLoss[]) {
      it(`computes exactly what the plain step computes ('${loss}', implicit feedback, weights)`, () => {
        const structure = structures.implicit!;
        const activation = loss === 'bce' ? 'sigmoid' : 'linear';
        const engineConfig = {
          users: USERS,
          items: ITEMS,
          dim: DIM,
          activation,
          dropout: 0,
          l2: 0.05,
          learningRate: 0.05,
          globalBias: -0.3,
          initScale: 0.3,
          seed: 7,
          nonneg: false,
          loss,
        } as const;
        const engine = createFusedEngine(tf, engineConfig, structure);
        const tables = engine.snapshot() as MfTables;
        const start = Float32Array.from(tables.Q);
        const moments = { m: zerosLike(tables), v: zerosLike(tables) };
        const scratch = createMfScratch(tables, structure, engineConfig.seed + 99);
        const batch = batchFor(loss);
        const stepConfig = { ...engineConfig, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
        for (let s = 1; s <= 3; s++) {
          const viaKernel = engine.step(batch);
          const direct = mfTrainStep(tables, structure, moments, scratch, batch, stepConfig, s);
          expect(viaKernel).toBe(Math.fround(direct));
          expect(direct).toBeGreaterThan(0);
        }
        const after = engine.snapshot() as MfTables;
        expect(after.Q).toEqual(tables.Q);
        expect(after.Y).toEqual(tables.Y);
        expect(after.BI).toEqual(tables.BI);
        expect(Math.abs(after.Q[0]! - start[0]!)).toBeGreaterThan(1e-3);
        engine.dispose();
      });
    }
  });
}
