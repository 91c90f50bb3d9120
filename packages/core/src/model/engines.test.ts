import { beforeAll, describe, expect, it } from 'vitest';
import { createAutodiffEngine } from './autodiff-engine.js';
import { loadBackend } from './backend.js';
import type { EngineConfig, TrainingBatch } from './engine.js';
import { createFusedEngine } from './fused/fused-engine.js';
import { buildMemberships } from './fused/memberships.js';
import { createMfScratch, mfTrainStep, zerosLike } from './fused/mf-step.js';
import { createMfTables, type MfTables } from './fused/mf-tables.js';
import type { Tf } from './tf.js';

const config: EngineConfig = {
  users: 4,
  items: 5,
  dim: 3,
  activation: 'tanh',
  dropout: 0,
  l2: 0.05,
  learningRate: 0.05,
  globalBias: 0.1,
  initScale: 0.3,
  seed: 7,
  nonneg: false,
};

/** Every (user, item) pair once: each step touches every row, so lazy Adam equals dense Adam. */
function fullBatch(): TrainingBatch {
  const users = new Int32Array(20);
  const items = new Int32Array(20);
  const targets = new Float32Array(20);
  for (let r = 0; r < 20; r++) {
    users[r] = r % 4;
    items[r] = Math.floor(r / 4);
    targets[r] = ((r * 7) % 10) / 10;
  }
  return { users, items, targets, size: 20 };
}

for (const backendName of ['cpu', 'wasm'] as const) {
  describe(`training engines on ${backendName}`, () => {
    let tf: Tf;
    beforeAll(async () => {
      tf = (await loadBackend(backendName)).tf;
    });

    it('the fused kernel takes the same Adam steps as tfjs autodiff (plain model, full batches)', () => {
      const fused = createFusedEngine(tf, config, {});
      const autodiff = createAutodiffEngine(tf, config);
      const start = fused.snapshot() as MfTables;
      autodiff.restore({ userFactors: start.P, itemFactors: start.Q, userBias: start.BU, itemBias: start.BI });
      const batch = fullBatch();
      for (let s = 0; s < 4; s++) {
        const a = fused.step(batch);
        const b = autodiff.step(batch);
        expect(a).toBeCloseTo(b, 4);
      }
      const x = fused.exportTables();
      const y = autodiff.exportTables();
      for (const name of ['userFactors', 'itemFactors', 'userBias', 'itemBias'] as const) {
        x[name].forEach((v, k) => expect(v, `${name}[${k}]`).toBeCloseTo(y[name][k]!, 5));
      }
      // And they really moved away from the start.
      expect(Math.abs(x.userFactors[0]! - start.P[0]!)).toBeGreaterThan(1e-3);
      fused.dispose();
      autodiff.dispose();
    });

    it('the registered kernel computes exactly what the plain step function computes', () => {
      const structure = { implicit: buildMemberships(4, 5, [0, 1, 1, 2, 3], [4, 0, 3, 2, 1]) };
      const engine = createFusedEngine(tf, config, structure);
      const tables = engine.snapshot() as MfTables;
      const moments = { m: zerosLike(tables), v: zerosLike(tables) };
      const scratch = createMfScratch(tables, structure, config.seed + 99);
      const batch = fullBatch();
      const stepConfig = { ...config, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
      for (let s = 1; s <= 3; s++) {
        const viaKernel = engine.step(batch);
        const direct = mfTrainStep(tables, structure, moments, scratch, batch, stepConfig, s);
        expect(viaKernel).toBe(Math.fround(direct)); // the kernel returns a float32 scalar
      }
      const after = engine.snapshot() as MfTables;
      expect(after.P).toEqual(tables.P);
      expect(after.Y).toEqual(tables.Y);
      engine.dispose();
    });

    it('keeps factors non-negative with nonneg', () => {
      const engine = createFusedEngine(tf, { ...config, nonneg: true, learningRate: 0.5 }, {});
      const batch = fullBatch();
      for (let s = 0; s < 10; s++) engine.step(batch);
      const tables = engine.snapshot() as MfTables;
      expect(Math.min(...tables.P, ...tables.Q)).toBeGreaterThanOrEqual(0);
      // Biases are not constrained.
      expect(Math.min(...tables.BU, ...tables.BI)).toBeLessThan(0);
      engine.dispose();
    });
  });
}

describe('createMfTables', () => {
  it('starts non-negative tables in [0, initScale] and others in ±initScale', () => {
    const plain = createMfTables({ users: 50, items: 50, dim: 4 }, {}, 0.2, 1);
    expect(Math.min(...plain.P)).toBeLessThan(0);
    expect(Math.max(...plain.P)).toBeLessThanOrEqual(0.2);
    const nonneg = createMfTables({ users: 50, items: 50, dim: 4 }, {}, 0.2, 1, true);
    expect(Math.min(...nonneg.P)).toBeGreaterThanOrEqual(0);
  });
});
