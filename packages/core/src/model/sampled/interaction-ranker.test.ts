import { describe, expect, it } from 'vitest';
import { buildSeenItems } from '../../seen-items.js';
import { interactionRanker } from './interaction-ranker.js';

describe('interactionRanker', () => {
  it('ranks by b_i + p_u·q_i and skips the seen items', () => {
    // dim 2; two users, four items.
    const tables = {
      userFactors: Float32Array.from([1, 0, 0, 1]),
      itemFactors: Float32Array.from([0.1, 0.9, 0.5, 0.2, 0.9, 0, 0, 0.3]),
      userBias: Float32Array.from([5, -5]),
      itemBias: Float32Array.from([0, 0, 0, 0.4]),
    };
    const seen = buildSeenItems(2, [0], [2]);
    const ranker = interactionRanker(tables, { seen });
    expect(ranker.users).toBe(2);
    expect(ranker.items).toBe(4);
    // User 0 scores items 0.1, 0.5, 0.9, 0.4 (item 2 seen); user 1 scores 0.9, 0.2, 0, 0.7.
    expect(ranker.topK(0, 3, ranker.seen!.items.subarray(0, 1))).toEqual([1, 3, 0]);
    expect(ranker.topK(1, 2)).toEqual([0, 3]);
    expect(ranker.threshold).toBe(1);
  });
});
