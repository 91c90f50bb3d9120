import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../random.js';
import { loadBackend } from './backend.js';
import type { Tf } from './tf.js';
import { DivergedError, SEED_RECIPE, trainRecommender, type TrainingRows, type TrainOptions } from './train.js';

/** Targets in [0, 1] from planted rank-3 factors plus noise; returns rows and the noise-free truth. */
function planted(users: number, items: number, rows: number, seed: number) {
  const normal = gaussian(seed);
  const rand = mulberry32(seed + 1);
  const p = Float32Array.from({ length: users * 3 }, () => normal() * 0.5);
  const q = Float32Array.from({ length: items * 3 }, () => normal() * 0.5);
  const make = (n: number): TrainingRows & { clean: Float32Array } => {
    const u = new Int32Array(n);
    const i = new Int32Array(n);
    const clean = new Float32Array(n);
    const targets = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      u[r] = Math.floor(rand() * users);
      i[r] = Math.floor(rand() * items);
      let dot = 0;
      for (let k = 0; k < 3; k++) dot += p[u[r]! * 3 + k]! * q[i[r]! * 3 + k]!;
      clean[r] = 0.5 + 0.4 * Math.tanh(dot);
      targets[r] = clean[r]! + normal() * 0.05;
    }
    return { users: u, items: i, targets, clean };
  };
  return { train: make(rows), validation: make(Math.floor(rows / 8)) };
}

function rmseOf(values: Float32Array, reference: Float32Array | number): number {
  let sum = 0;
  for (let r = 0; r < values.length; r++) {
    const want = typeof reference === 'number' ? reference : reference[r]!;
    sum += (values[r]! - want) ** 2;
  }
  return Math.sqrt(sum / values.length);
}

const options = (overrides: Partial<TrainOptions> = {}): TrainOptions => ({
  ...SEED_RECIPE,
  dim: 8,
  learningRate: 0.02,
  batchSize: 256,
  epochs: 60,
  ratingUnitsPerTarget: 4,
  ...overrides,
});

describe('trainRecommender', () => {
  let tf: Tf;
  const data = planted(120, 80, 12000, 5);
  const sizes = { users: 120, items: 80 };
  beforeAll(async () => {
    tf = (await loadBackend('wasm')).tf;
  });

  it('learns planted structure: validation error far below the mean baseline, near the noise', async () => {
    const result = await trainRecommender(tf, sizes, data.train, data.validation, options());
    const last = result.history[result.bestEpoch - 1]!;
    const baseline = rmseOf(
      data.validation.targets,
      data.train.targets.reduce((a, b) => a + b, 0) / data.train.targets.length,
    );
    const noise = rmseOf(data.validation.targets, data.validation.clean);
    expect(Math.sqrt(last.valLoss)).toBeLessThan(0.5 * baseline);
    expect(Math.sqrt(last.valLoss)).toBeLessThan(2 * noise);
    expect(result.tables.userFactors.length).toBe(120 * 8);
    expect(result.tables.itemBias.length).toBe(80);
  });

  it('stops early after `patience` epochs without improvement and restores the best weights', async () => {
    const result = await trainRecommender(
      tf,
      sizes,
      data.train,
      data.validation,
      options({ learningRate: 0.05, patience: 2 }),
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(60);
    const best = Math.min(...result.history.map((h) => h.valLoss));
    expect(result.history[result.bestEpoch - 1]!.valLoss).toBe(best);
    // Epochs after the best one are exactly `patience` (the run ended on the second miss).
    expect(result.history.length - result.bestEpoch).toBe(2);
    // The returned tables are the best epoch's: re-scoring validation reproduces its loss.
    const { userFactors, itemFactors, userBias, itemBias } = result.tables;
    const { users, items, targets } = data.validation;
    let sum = 0;
    for (let r = 0; r < targets.length; r++) {
      let x = userBias[users[r]!]! + itemBias[items[r]!]!;
      for (let k = 0; k < 8; k++) x += userFactors[users[r]! * 8 + k]! * itemFactors[items[r]! * 8 + k]!;
      sum += (Math.tanh(x) - targets[r]!) ** 2;
    }
    expect(sum / targets.length).toBeCloseTo(best, 5);
  });

  it('is reproducible for a seed', async () => {
    const small = options({ epochs: 3, patience: 10 });
    const a = await trainRecommender(tf, sizes, data.train, data.validation, small);
    const b = await trainRecommender(tf, sizes, data.train, data.validation, small);
    expect(a.history.map((h) => h.valLoss)).toEqual(b.history.map((h) => h.valLoss));
    expect(a.tables.itemFactors).toEqual(b.tables.itemFactors);
  });

  it('stops with an explanation when the loss diverges', async () => {
    const error = await trainRecommender(
      tf,
      sizes,
      data.train,
      data.validation,
      options({ activation: 'linear', learningRate: 1e30, epochs: 5 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as Error).message).toMatch(/diverged at epoch \d+.*--learning-rate/);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    let batches = 0;
    const run = trainRecommender(tf, sizes, data.train, data.validation, options({ batchSize: 64 }), {
      signal: controller.signal,
      onBatch: () => {
        if (++batches === 20) controller.abort();
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(batches).toBeLessThan(40);
  });

  it('applies the L2 penalty: larger lambda gives smaller embeddings', async () => {
    const norm = (t: Float32Array) => Math.sqrt(t.reduce((a, v) => a + v * v, 0));
    const plain = await trainRecommender(tf, sizes, data.train, data.validation, options({ epochs: 8, patience: 20 }));
    const shrunk = await trainRecommender(
      tf,
      sizes,
      data.train,
      data.validation,
      options({ epochs: 8, patience: 20, l2: 0.5 }),
    );
    expect(norm(shrunk.tables.userFactors)).toBeLessThan(0.8 * norm(plain.tables.userFactors));
  });
});
