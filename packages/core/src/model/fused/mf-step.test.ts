import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../random.js';
import { buildMemberships } from './memberships.js';
import {
  accumulateGradients,
  createMfScratch,
  mfMeanSquaredError,
  type MfBatch,
  type MfStepConfig,
} from './mf-step.js';
import {
  createMfTables,
  effectiveItem,
  effectiveUser,
  foldTables,
  TABLE_NAMES,
  type MfStructure,
  type MfTables,
} from './mf-tables.js';

const config: MfStepConfig = {
  activation: 'tanh',
  globalBias: 0.1,
  dropout: 0,
  l2: 0.05,
  learningRate: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  nonneg: false,
};

/** A tiny model with every kind of structure, random non-zero tables, and a batch with repeats. */
function fixture(seed = 1) {
  const users = 4;
  const items = 5;
  const dim = 3;
  const structure: MfStructure = {
    implicit: buildMemberships(users, items, [0, 0, 1, 2, 2, 2, 3], [1, 4, 0, 2, 3, 4, 1]),
    userFeatures: buildMemberships(users, 3, [0, 1, 1, 3], [0, 1, 2, 2]),
    itemFeatures: buildMemberships(items, 2, [0, 2, 3, 3, 4], [0, 1, 0, 1, 1]),
  };
  const tables = createMfTables({ users, items, dim }, structure, 0.5, seed);
  const random = mulberry32(seed + 10);
  for (const name of TABLE_NAMES) {
    const table = tables[name];
    if (table) for (let k = 0; k < table.length; k++) table[k] = random() - 0.5;
  }
  const batch: MfBatch = {
    users: Int32Array.from([0, 1, 2, 2, 3, 0]),
    items: Int32Array.from([1, 0, 4, 2, 3, 1]),
    targets: Float32Array.from([0.2, 0.9, 0.4, 0.7, 0.1, 0.3]),
    size: 6,
  };
  return { tables, structure, batch };
}

/** The loss accumulateGradients differentiates, written out plainly in float64. */
function referenceLoss(
  tables: MfTables,
  structure: MfStructure,
  batch: MfBatch,
  touchedSide: Record<string, Set<number>>,
): number {
  const dim = tables.dim;
  const B = batch.size;
  let loss = 0;
  // Float64 scratch: float32 would round away the finite-difference step.
  const uv = new Float64Array(dim) as unknown as Float32Array;
  const iv = new Float64Array(dim) as unknown as Float32Array;
  for (let r = 0; r < B; r++) {
    const u = batch.users[r]!;
    const i = batch.items[r]!;
    const bu = effectiveUser(tables, structure, u, uv, 0);
    const bi = effectiveItem(tables, structure, i, iv, 0);
    let x = bu + bi;
    for (let k = 0; k < dim; k++) x += uv[k]! * iv[k]!;
    loss += (Math.tanh(config.globalBias + x) - batch.targets[r]!) ** 2 / B;
    let reg = tables.BU[u]! ** 2 + tables.BI[i]! ** 2;
    for (let k = 0; k < dim; k++) reg += tables.P[u * dim + k]! ** 2 + tables.Q[i * dim + k]! ** 2;
    loss += (config.l2 / B) * reg;
  }
  for (const [name, rows] of Object.entries(touchedSide)) {
    const table = tables[name as 'Y']!;
    const width = name.endsWith('B') ? 1 : dim;
    for (const row of rows) for (let k = 0; k < width; k++) loss += (config.l2 / B) * table[row * width + k]! ** 2;
  }
  return loss;
}

describe('accumulateGradients', () => {
  it('matches central finite differences of the loss for every parameter it touches', () => {
    const { tables, structure, batch } = fixture();
    const scratch = createMfScratch(tables, structure, 1);
    accumulateGradients(tables, structure, scratch, batch, config);
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
    // Float64 copies so the finite differences are not drowned by float32 rounding.
    const wide = Object.fromEntries(
      TABLE_NAMES.filter((n) => tables[n]).map((n) => [n, Float64Array.from(tables[n]!)]),
    ) as unknown as Record<string, Float64Array>;
    const asTables = { dim: tables.dim, ...wide } as unknown as MfTables;
    let checked = 0;
    for (const name of TABLE_NAMES) {
      const table = wide[name];
      if (!table) continue;
      for (let k = 0; k < table.length; k++) {
        const h = 1e-6;
        const keep = table[k]!;
        table[k] = keep + h;
        const up = referenceLoss(asTables, structure, batch, touchedSide);
        table[k] = keep - h;
        const down = referenceLoss(asTables, structure, batch, touchedSide);
        table[k] = keep;
        const numeric = (up - down) / (2 * h);
        expect(scratch.grad[name]![k]!, `${name}[${k}]`).toBeCloseTo(numeric, 5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('returns the batch sum of squared errors', () => {
    const { tables, structure, batch } = fixture(2);
    const sse = accumulateGradients(tables, structure, createMfScratch(tables, structure, 1), batch, {
      ...config,
      l2: 0,
    });
    const rows = { users: batch.users, items: batch.items, targets: batch.targets };
    expect(sse / batch.size).toBeCloseTo(mfMeanSquaredError(tables, structure, rows, config), 6);
  });
});

describe('foldTables', () => {
  it('adds weighted member rows and member biases to the id rows', () => {
    const { tables, structure } = fixture(3);
    const folded = foldTables(tables, structure);
    // User 2 rated items 2, 3, 4 (weight 1/√3) and has no features.
    const w = 1 / Math.sqrt(3);
    for (let k = 0; k < 3; k++) {
      const want = tables.P[6 + k]! + w * (tables.Y![6 + k]! + tables.Y![9 + k]! + tables.Y![12 + k]!);
      expect(folded.userFactors[6 + k]).toBeCloseTo(want, 6);
    }
    // Item 3 has features 0 and 1 (weight 1/√2): its bias adds both feature biases.
    expect(folded.itemBias[3]).toBeCloseTo(tables.BI[3]! + tables.IAB![0]! + tables.IAB![1]!, 6);
    for (let k = 0; k < 3; k++) {
      const want = tables.Q[9 + k]! + (tables.IA![k]! + tables.IA![3 + k]!) / Math.sqrt(2);
      expect(folded.itemFactors[9 + k]).toBeCloseTo(want, 6);
    }
  });
});
