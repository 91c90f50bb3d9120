import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { generateInteractions, type SynthInteractions, type SynthInteractionsOptions } from './synth-interactions.js';

/** Sparse enough that a user's draws rarely collide: 2000 users × 2000 items, 20K pairs, 8 groups. */
const SPARSE: SynthInteractionsOptions = { users: 2000, items: 2000, interactions: 20_000, clusters: 8 };

/** Rows whose item is in the user's planted group. */
const inGroup = (d: SynthInteractions) =>
  Array.from(d.users, (u, r) => d.userCluster[u] === d.itemCluster[d.items[r]!]);

describe('generateInteractions', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateInteractions({ ...SPARSE, seed: 7, weights: true });
    expect(generateInteractions({ ...SPARSE, seed: 7, weights: true })).toEqual(a);
    const b = generateInteractions({ ...SPARSE, seed: 8, weights: true });
    expect(b.items).not.toEqual(a.items);
    expect(b.userCluster).not.toEqual(a.userCluster);
    expect(b.weights).not.toEqual(a.weights);
  });

  it('makes exactly the requested number of distinct pairs, on ids u1… and i1…, with a planted group per user and item', () => {
    const d = generateInteractions({ users: 300, items: 200, interactions: 9000, clusters: 5, seed: 2 });
    expect(d.users).toHaveLength(9000);
    expect(new Set(Array.from(d.users, (u, r) => u * 200 + d.items[r]!)).size).toBe(9000);
    expect(Math.max(...d.users)).toBeLessThan(300);
    expect(Math.max(...d.items)).toBeLessThan(200);
    expect(d.userIds).toHaveLength(300);
    expect(d.itemIds).toHaveLength(200);
    expect([d.userIds[0], d.userIds[299], d.itemIds[0], d.itemIds[199]]).toEqual(['u1', 'u300', 'i1', 'i200']);
    expect(d.userCluster).toHaveLength(300);
    expect(d.itemCluster).toHaveLength(200);
    expect(new Set(d.userCluster)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(new Set(d.itemCluster)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(Array.from(d.weights).every((w) => w === 1)).toBe(true);
  });

  it('fills the whole matrix when asked for every pair', () => {
    const d = generateInteractions({ users: 6, items: 5, interactions: 30, clusters: 2, seed: 4 });
    expect(new Set(Array.from(d.users, (u, r) => u * 5 + d.items[r]!)).size).toBe(30);
  });

  it('respects the affinity on average: in-group share ≈ p + (1 − p)/groups (out-of-group draws can land in the group)', () => {
    for (const affinity of [0, 0.3, 0.7, 0.9]) {
      const rows = inGroup(generateInteractions({ ...SPARSE, affinity, seed: 11 }));
      const share = rows.filter(Boolean).length / rows.length;
      expect(Math.abs(share - (affinity + (1 - affinity) / 8)), `affinity ${affinity}: share ${share}`).toBeLessThan(
        0.04,
      );
    }
    expect(inGroup(generateInteractions({ ...SPARSE, affinity: 1, seed: 11 })).every(Boolean)).toBe(true);
  });

  it('with weights: whole counts of at least 1, heavier inside the user’s group', () => {
    const d = generateInteractions({ ...SPARSE, weights: true, seed: 5 });
    expect(Array.from(d.weights).every((w) => Number.isInteger(w) && w >= 1)).toBe(true);
    const rows = inGroup(d);
    const mean = (keep: boolean) => {
      const picked = Array.from(d.weights).filter((_, r) => rows[r] === keep);
      return picked.reduce((s, w) => s + w, 0) / picked.length;
    };
    // 1 + geometric with mean 3 inside the group, 0.5 outside.
    expect(mean(true)).toBeGreaterThan(3.7);
    expect(mean(true)).toBeLessThan(4.3);
    expect(mean(false)).toBeGreaterThan(1.35);
    expect(mean(false)).toBeLessThan(1.65);
  });

  it('refuses impossible sizes and out-of-range shapes, naming the flag', () => {
    const bad = (options: Partial<SynthInteractionsOptions>) => () =>
      generateInteractions({ users: 10, items: 10, interactions: 50, ...options });
    expect(bad({ interactions: 101 })).toThrow(
      new UserError('--interactions must be at most --users × --items = 100, got 101'),
    );
    expect(bad({ clusters: 11 })).toThrow(/--rank must be an integer from 1 to 10, got 11/);
    expect(bad({ affinity: 1.5 })).toThrow(/--affinity must be a number from 0 to 1, got 1.5/);
    expect(bad({ popularity: -1 })).toThrow(/--popularity/);
    expect(bad({ interactions: 0 })).toThrow(UserError);
  });
});
