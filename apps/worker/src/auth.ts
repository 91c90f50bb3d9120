import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { AppEnv } from './app-env';
import { ApiError, errorResponse } from './errors';

/**
 * Compares two byte strings in time that depends only on their lengths: every byte is looked at,
 * differences are OR-ed together, there is no early exit. Different lengths compare unequal (the
 * loop still runs over the longer one).
 */
export function constantTimeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Whether two secrets are equal, without leaking where they differ or how long the expected one
 * is: both are hashed with SHA-256 (crypto.subtle), and the two 32-byte digests are compared with
 * workerd's `crypto.subtle.timingSafeEqual` (a Cloudflare extension of Web Crypto), or with
 * {@link constantTimeEqualBytes} where that does not exist (Node).
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: SubtleCrypto['timingSafeEqual'] };
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(a, b);
  return constantTimeEqualBytes(new Uint8Array(a), new Uint8Array(b));
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="edgerec-admin"' };

/** A 401 `unauthorized` response in the API's error shape, with the Bearer challenge. */
const unauthorized = (message: string) => (c: Context) =>
  errorResponse(c, new ApiError(401, 'unauthorized', message, { headers: CHALLENGE }));

/** hono/bearer-auth checking the token against `ADMIN_TOKEN` with {@link secretsEqual}; every refusal is a 401 `unauthorized`. */
const adminBearer = bearerAuth({
  verifyToken: (token, c: Context<AppEnv>) => secretsEqual(token, c.env?.ADMIN_TOKEN ?? ''),
  realm: 'edgerec-admin',
  noAuthenticationHeader: { message: unauthorized('missing credentials: send Authorization: Bearer <ADMIN_TOKEN>') },
  // A header of another scheme, or a Bearer header without a well-formed token, counts as no credentials (401, not Hono's 400).
  invalidAuthenticationHeader: {
    message: unauthorized('missing credentials: send Authorization: Bearer <ADMIN_TOKEN>'),
  },
  invalidToken: { message: unauthorized('invalid admin token') },
});

/**
 * Guards admin routes with the `ADMIN_TOKEN` secret: 404 `admin_disabled` when the secret is unset
 * or blank (the endpoint is never open), else hono/bearer-auth: 401 `unauthorized` (with
 * `WWW-Authenticate: Bearer`) when the `Authorization: Bearer <token>` header is missing,
 * malformed or does not match.
 */
export function requireAdminToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if ((c.env?.ADMIN_TOKEN ?? '').trim() === '') {
      throw new ApiError(
        404,
        'admin_disabled',
        `${c.req.method} ${c.req.path} is disabled: no ADMIN_TOKEN secret is set (wrangler secret put ADMIN_TOKEN)`,
      );
    }
    return adminBearer(c, next);
  };
}
