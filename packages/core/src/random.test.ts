import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32, shuffleInPlace } from './random.js';

describe('seeded randomness', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(Array.from({ length: 5 }, c)).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('matches the published mulberry32 sequence used by the PyTorch peer', () => {
    // First outputs for seed 42, as computed by shared/peers/torch_mf.py's mulberry32.
    const r = mulberry32(42);
    expect(r()).toBeCloseTo(0.6011037519201636, 15);
    expect(r()).toBeCloseTo(0.44829055899754167, 15);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const g = gaussian(3);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = g();
      sum += x;
      sq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
  });

  it('shuffles to a permutation, reproducibly', () => {
    const a = shuffleInPlace(
      Uint32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(1),
    );
    const b = shuffleInPlace(
      Uint32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(1),
    );
    expect(a).toEqual(b);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
