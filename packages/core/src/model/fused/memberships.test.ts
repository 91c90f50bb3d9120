import { describe, expect, it } from 'vitest';
import { buildMemberships } from './memberships.js';

describe('buildMemberships', () => {
  it('lists each owner’s distinct members with weight 1/sqrt(count)', () => {
    const m = buildMemberships(3, 4, [0, 0, 0, 2], [3, 1, 3, 0]);
    expect(Array.from(m.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(m.members)).toEqual([1, 3, 0]);
    expect(Array.from(m.weights)).toEqual([Math.fround(1 / Math.sqrt(2)), 0, 1]);
    expect(m.memberCount).toBe(4);
  });

  it('rejects a member outside the member table', () => {
    expect(() => buildMemberships(1, 4, [0], [4])).toThrow(/member 4 is outside 0\.\.3/);
    expect(() => buildMemberships(1, 4, [0, 0], [-1, 2])).toThrow(/member -1 is outside 0\.\.3/);
  });
});
