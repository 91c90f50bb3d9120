import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';

/**
 * Per-token rate limit of the writer routes, with the `EVENTS_TOKEN_LIMITER` Workers Rate Limiting
 * binding (wrangler.jsonc `ratelimits`), keyed by a hash of the bearer token: over the limit
 * answers 429 `rate_limited` with `Retry-After`. No binding: no per-token limit. Runs after the
 * token check, so only valid tokens are counted.
 */
export function limitByToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limiter = c.env?.EVENTS_TOKEN_LIMITER;
    if (limiter) {
      const token = (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '');
      const { success } = await limiter.limit({ key: await tokenKey(token) });
      if (!success) {
        throw new ApiError(429, 'rate_limited', 'too many requests for this events token (EVENTS_TOKEN_LIMITER)', {
          headers: { 'Retry-After': '10' },
        });
      }
    }
    await next();
  };
}

/** The limiter's key of a token: the first 16 hex digits of its SHA-256 (the token itself is never a key). */
async function tokenKey(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return [...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
