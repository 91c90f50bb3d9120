import { describe, expect, it } from 'vitest';
import { generateSynthetic, type SynthOptions } from './synth.js';

const SMALL: SynthOptions = { users: 300, items: 200, ratings: 6000 };

describe('generateSynthetic', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateSynthetic({ ...SMALL, seed: 7 });
    const b = generateSynthetic({ ...SMALL, seed: 7 });
    const c = generateSynthetic({ ...SMALL, seed: 8 });
    expect(b).toEqual(a);
    expect(c.table.items).not.toEqual(a.table.items);
    expect(c.table.ratings).not.toEqual(a.table.ratings);
    expect(c.truth.userFactors).not.toEqual(a.truth.userFactors);
  });

  it('makes unique integer 1–5 ratings covering every user and item', () => {
    const { table, truth } = generateSynthetic(SMALL);
    expect(table.ratings.length).toBe(6000);
    expect(table.userIds).toHaveLength(300);
    expect(table.itemIds).toHaveLength(200);
    expect(table.userIds[16]).toBe('u17');
    expect(table.itemIds[202 % 200]).toBe('i3');
    for (const r of table.ratings) expect(Number.isInteger(r) && r >= 1 && r <= 5).toBe(true);
    const pairs = new Set(Array.from(table.users, (u, r) => u * 200 + table.items[r]!));
    expect(pairs.size).toBe(6000);
    expect(new Set(table.users).size).toBe(300);
    expect(new Set(table.items).size).toBe(200);
    expect(new Set(table.ratings).size).toBe(5);
    expect(truth.userFactors).toHaveLength(300 * 8);
    expect(truth.itemFactors).toHaveLength(200 * 8);
    expect(truth.userBias).toHaveLength(300);
    expect(truth.itemBias).toHaveLength(200);
    expect(truth.rank).toBe(8);
    expect(truth.globalMean).toBe(3.5);
  });

  it('skews item popularity, and spreads popular items over the ids', () => {
    const { table } = generateSynthetic({ users: 2000, items: 1000, ratings: 40_000 });
    const counts = new Uint32Array(1000);
    for (const i of table.items) counts[i]!++;
    const sorted = Array.from(counts).sort((a, b) => b - a);
    const top10 = sorted.slice(0, 100).reduce((s, c) => s + c, 0);
    expect(top10 / 40_000).toBeGreaterThan(0.3);
    const top = Array.from(counts.keys())
      .sort((a, b) => counts[b]! - counts[a]!)
      .slice(0, 20);
    expect(Math.max(...top)).toBeGreaterThan(100); // popular items are not just the first ids
    const flat = generateSynthetic({ users: 2000, items: 1000, ratings: 40_000, popularity: 0 });
    const flatCounts = new Uint32Array(1000);
    for (const i of flat.table.items) flatCounts[i]!++;
    const flatTop = Array.from(flatCounts)
      .sort((a, b) => b - a)
      .slice(0, 100)
      .reduce((s, c) => s + c, 0);
    expect(flatTop / 40_000).toBeLessThan(0.15);
  });

  it('plants structure: the noise floor is well below predicting the mean', () => {
    const { table, truth } = generateSynthetic({ users: 1000, items: 500, ratings: 30_000 });
    expect(truth.noiseFloorRmse).toBeLessThan(0.75 * truth.globalMeanRmse);
    expect(truth.globalMeanRmse).toBeGreaterThan(0.8);
    const mean = table.ratings.reduce((s, r) => s + r, 0) / table.ratings.length;
    const std = Math.sqrt(table.ratings.reduce((s, r) => s + (r - mean) ** 2, 0) / table.ratings.length);
    expect(truth.globalMeanRmse).toBeCloseTo(std, 5);
    expect(mean).toBeGreaterThan(3.2);
    expect(mean).toBeLessThan(3.7);
    // Without noise the floor is only the rounding error (at most 0.5 per rating).
    const clean = generateSynthetic({ users: 1000, items: 500, ratings: 30_000, noise: 0 });
    expect(clean.truth.noiseFloorRmse).toBeLessThan(0.32);
    expect(clean.truth.noiseFloorRmse).toBeLessThan(truth.noiseFloorRmse);
  });

  it('honours rank and still fills a fully dense table', () => {
    const { table, truth } = generateSynthetic({ users: 12, items: 9, ratings: 108, rank: 3 });
    expect(truth.userFactors).toHaveLength(36);
    const pairs = new Set(Array.from(table.users, (u, r) => u * 9 + table.items[r]!));
    expect(pairs.size).toBe(108);
  });

  it('works with fewer ratings than users', () => {
    const { table } = generateSynthetic({ users: 50, items: 10, ratings: 20 });
    expect(table.ratings.length).toBe(20);
    expect(new Set(table.items).size).toBe(10);
    expect(new Set(Array.from(table.users, (u, r) => u * 10 + table.items[r]!)).size).toBe(20);
  });

  it.each([
    [{ users: 0 }, /^--users must be an integer from 1/],
    [{ items: 2.5 }, /^--items must be an integer/],
    [{ ratings: -1 }, /^--ratings must be an integer/],
    [{ ratings: 300 * 200 + 1 }, /^--ratings must be at most --users × --items = 60000/],
    [{ rank: 0 }, /^--rank must be/],
    [{ noise: -0.1 }, /^--noise must be a number/],
    [{ popularity: Number.NaN }, /^--popularity must be a number/],
    [{ seed: 1.5 }, /^--seed must be an integer/],
  ])('rejects %j', (bad, message) => {
    expect(() => generateSynthetic({ ...SMALL, ...bad })).toThrow(message);
  });
});
