import { describe, expect, it } from 'vitest';
import { UserRateLimiter } from '../src/events/user-rate';

describe('UserRateLimiter', () => {
  it('starts a user with a full burst, refills at the rate, and never above the burst', () => {
    const limiter = new UserRateLimiter();
    expect(limiter.take('a', 10, 0, 60, 10)).toBe(true); // the whole burst at once
    expect(limiter.take('a', 1, 0, 60, 10)).toBe(false); // empty
    expect(limiter.take('a', 1, 999, 60, 10)).toBe(false); // 0.999 of a token after 999 ms at 60/min
    expect(limiter.take('a', 1, 1000, 60, 10)).toBe(true);
    expect(limiter.take('b', 10, 1000, 60, 10)).toBe(true); // users are apart
    expect(limiter.take('a', 10, 3_600_000, 60, 10)).toBe(true); // an hour later: full, not 3,600
    expect(limiter.take('a', 1, 3_600_000, 60, 10)).toBe(false);
  });

  it('takes nothing when it refuses, and gives back a refund up to the burst', () => {
    const limiter = new UserRateLimiter();
    expect(limiter.take('a', 8, 0, 60, 10)).toBe(true);
    expect(limiter.take('a', 3, 0, 60, 10)).toBe(false); // 2 left: refused, still 2
    expect(limiter.take('a', 2, 0, 60, 10)).toBe(true);
    limiter.refund('a', 5, 10);
    expect(limiter.take('a', 5, 0, 60, 10)).toBe(true);
    limiter.refund('a', 50, 10);
    expect(limiter.take('a', 11, 0, 60, 10)).toBe(false); // capped at the burst
    expect(limiter.take('a', 10, 0, 60, 10)).toBe(true);
  });
});
