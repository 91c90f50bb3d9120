/**
 * Per-user token buckets: each user may add `perMinute` events a minute, in bursts of up to
 * `burst` (so that one full batch for a new user always fits). Kept in the shard's memory (a
 * shard serialises its users' writes, so the count is exact while the object lives; a restart
 * refills every bucket).
 */
export class UserRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * Takes `n` tokens from the user's bucket at time `now` (ms), refilled at `perMinute` a minute up
   * to `burst`; false, taking none, when there are fewer.
   */
  take(user: string, n: number, now: number, perMinute: number, burst: number): boolean {
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(user) ?? { tokens: burst, at: now };
    const tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
    if (tokens < n) {
      this.buckets.set(user, { tokens, at: now });
      return false;
    }
    this.buckets.set(user, { tokens: tokens - n, at: now });
    if (this.buckets.size > 50_000) this.forgetFull(now, perMs, burst);
    return true;
  }

  /** Gives back `n` tokens taken from the user's bucket (a write that did not happen), up to `burst`. */
  refund(user: string, n: number, burst: number): void {
    const bucket = this.buckets.get(user);
    if (bucket) bucket.tokens = Math.min(burst, bucket.tokens + n);
  }

  /** Drops the buckets that have refilled: they hold nothing a fresh bucket would not. */
  private forgetFull(now: number, perMs: number, burst: number): void {
    for (const [user, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= burst) this.buckets.delete(user);
    }
  }
}
