import { describe, expect, it } from 'vitest';
import { buildSeenItems } from '../../seen-items.js';
import { createNegativeSampler, type NegativeSamplerOptions } from './negative-sampler.js';

/** Empirical frequency of each item over `draws` samples for user `u`. */
function frequencies(options: NegativeSamplerOptions, draws: number, u = 0): Float64Array {
  const sampler = createNegativeSampler(options);
  const counts = new Float64Array(options.items);
  for (let d = 0; d < draws; d++) counts[sampler.sample(u)]!++;
  return counts.map((c) => c / draws);
}

/** Largest |observed − expected| in units of the binomial standard deviation. */
function worstZ(observed: Float64Array, expected: ArrayLike<number>, draws: number): number {
  let worst = 0;
  for (let i = 0; i < observed.length; i++) {
    const p = expected[i]!;
    const sd = Math.sqrt((p * (1 - p)) / draws) || 1e-12;
    worst = Math.max(worst, Math.abs(observed[i]! - p) / sd);
  }
  return worst;
}

describe('createNegativeSampler', () => {
  const draws = 200_000;

  it('draws uniformly over the catalogue', () => {
    const observed = frequencies({ items: 25, sampling: 'uniform', seed: 1 }, draws);
    // 25 items: the largest of 25 |z| values stays below 4.5 with overwhelming probability.
    expect(worstZ(observed, new Array<number>(25).fill(1 / 25), draws)).toBeLessThan(4.5);
  });

  it('draws in proportion to count^β (alias table), never an item with no count', () => {
    const counts = [50, 1, 0, 7, 200, 3, 3, 0, 12, 90, 1, 25];
    for (const exponent of [1, 0.5]) {
      const weights = counts.map((c) => (c > 0 ? c ** exponent : 0));
      const total = weights.reduce((a, b) => a + b, 0);
      const expected = weights.map((w) => w / total);
      const options = { items: counts.length, sampling: 'popularity', counts, exponent, seed: 2 } as const;
      const observed = frequencies(options, draws);
      expect(worstZ(observed, expected, draws), `β = ${exponent}`).toBeLessThan(4.5);
      expect(observed[2]).toBe(0);
      expect(observed[7]).toBe(0);
      const sampler = createNegativeSampler(options);
      expect(sampler.probability(4)).toBeCloseTo(expected[4]!, 12);
    }
    // β = 1 makes item 4 about 200× as likely as item 1.
    const observed = frequencies({ items: counts.length, sampling: 'popularity', counts, seed: 3 }, draws);
    expect(observed[4]! / observed[1]!).toBeGreaterThan(150);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const options = {
      items: 1000,
      sampling: 'popularity',
      counts: Array.from({ length: 1000 }, (_, i) => 1 + (i % 17)),
      seed: 9,
    } as const;
    const run = (seed: number) => {
      const sampler = createNegativeSampler({ ...options, seed });
      return Array.from({ length: 50 }, () => sampler.sample(0));
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it("rejects the user's seen items, and still accepts after bounded retries", () => {
    // User 0 saw items 0..7 of 10; user 1 saw every item.
    const seen = buildSeenItems(
      2,
      [0, 0, 0, 0, 0, 0, 0, 0, ...Array<number>(10).fill(1)],
      [0, 1, 2, 3, 4, 5, 6, 7, ...Array.from({ length: 10 }, (_, i) => i)],
    );
    const observed = frequencies({ items: 10, sampling: 'uniform', seen, seed: 4 }, 20_000);
    // With 16 retries, a seen item survives with probability 0.8^17 ≈ 2%: rare, spread over eight items.
    const leaked = observed.slice(0, 8).reduce((a, b) => a + b, 0);
    expect(leaked).toBeLessThan(0.04);
    expect(observed[8]! + observed[9]!).toBeGreaterThan(0.96);
    expect(Math.abs(observed[8]! - observed[9]!)).toBeLessThan(0.03);
    const noRetries = frequencies({ items: 10, sampling: 'uniform', seen, maxRetries: 0, seed: 4 }, 20_000);
    expect(noRetries.slice(0, 8).reduce((a, b) => a + b, 0)).toBeGreaterThan(0.75);
    // Nothing to avoid for user 1: the draw is accepted after the retries run out.
    const sampler = createNegativeSampler({ items: 10, sampling: 'uniform', seen, seed: 5 });
    for (let d = 0; d < 100; d++) expect(sampler.sample(1)).toBeLessThan(10);
  });

  it('rejects unusable options', () => {
    expect(() => createNegativeSampler({ items: 3, sampling: 'popularity', seed: 1 })).toThrow(/3 item counts/);
    expect(() => createNegativeSampler({ items: 2, sampling: 'popularity', counts: [0, 0], seed: 1 })).toThrow(
      /positive count/,
    );
    expect(() =>
      createNegativeSampler({ items: 2, sampling: 'popularity', counts: [1, 2], exponent: -1, seed: 1 }),
    ).toThrow(/exponent/);
    expect(() => createNegativeSampler({ items: 0, sampling: 'uniform', seed: 1 })).toThrow(/item count/);
  });
});
