import { describe, expect, it } from 'vitest';
import { buildSeenItems, seenBy } from './seen-items.js';

describe('buildSeenItems', () => {
  it('groups items by user, sorted, without repeats', () => {
    const seen = buildSeenItems(4, [2, 0, 2, 2, 0, 3, 2], [9, 4, 1, 9, 2, 0, 5]);
    expect(Array.from(seenBy(seen, 0))).toEqual([2, 4]);
    expect(Array.from(seenBy(seen, 1))).toEqual([]);
    expect(Array.from(seenBy(seen, 2))).toEqual([1, 5, 9]);
    expect(Array.from(seenBy(seen, 3))).toEqual([0]);
    expect(seen.offsets.length).toBe(5);
    expect(seen.items.length).toBe(6);
  });
});
