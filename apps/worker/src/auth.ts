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

/** What a bearer-token guard checks: the secret it compares with, and how it names itself. */
interface BearerGuard {
  /** The secret's binding name (`ADMIN_TOKEN`, `EVENTS_TOKEN`). */
  secret: 'ADMIN_TOKEN' | 'EVENTS_TOKEN';
  /** The `WWW-Authenticate` realm. */
  realm: string;
  /** The error when the secret is unset or blank: the routes are then disabled, never open. */
  disabled: (c: Context<AppEnv>) => ApiError;
}

/**
 * hono/bearer-auth checking the token against a secret with {@link secretsEqual}; every refusal is
 * a 401 `unauthorized` (with `WWW-Authenticate: Bearer`). The secret may list several tokens,
 * comma-separated, so that one can be rotated without downtime.
 */
function bearerGuard({ secret, realm, disabled }: BearerGuard): MiddlewareHandler<AppEnv> {
  const challenge = { 'WWW-Authenticate': `Bearer realm="${realm}"` };
  const unauthorized = (message: string) => (c: Context) =>
    errorResponse(c, new ApiError(401, 'unauthorized', message, { headers: challenge }));
  const missing = unauthorized(`missing credentials: send Authorization: Bearer <${secret}>`);
  const guard = bearerAuth({
    verifyToken: async (token, c: Context<AppEnv>) => {
      const accepted = tokensOf(c.env?.[secret]);
      const matches = await Promise.all(accepted.map((expected) => secretsEqual(token, expected)));
      return matches.includes(true);
    },
    realm,
    noAuthenticationHeader: { message: missing },
    // A header of another scheme, or a Bearer header without a well-formed token, counts as no credentials (401, not Hono's 400).
    invalidAuthenticationHeader: { message: missing },
    invalidToken: { message: unauthorized(`invalid ${secret === 'ADMIN_TOKEN' ? 'admin' : 'events'} token`) },
  });
  return async (c, next) => {
    if (tokensOf(c.env?.[secret]).length === 0) throw disabled(c);
    return guard(c, next);
  };
}

/** The tokens a secret lists: comma-separated, blanks ignored. */
export function tokensOf(secret: string | undefined): string[] {
  return (secret ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

/**
 * Guards admin routes with the `ADMIN_TOKEN` secret: 404 `admin_disabled` when the secret is unset
 * or blank (the endpoint is never open), else hono/bearer-auth: 401 `unauthorized` (with
 * `WWW-Authenticate: Bearer`) when the `Authorization: Bearer <token>` header is missing,
 * malformed or does not match.
 */
export function requireAdminToken(): MiddlewareHandler<AppEnv> {
  return bearerGuard({
    secret: 'ADMIN_TOKEN',
    realm: 'edgerec-admin',
    disabled: (c) =>
      new ApiError(
        404,
        'admin_disabled',
        `${c.req.method} ${c.req.path} is disabled: no ADMIN_TOKEN secret is set (wrangler secret put ADMIN_TOKEN)`,
      ),
  });
}

/**
 * Guards the event routes (`POST /v1/events`, `DELETE /v1/users/{user}`) with the `EVENTS_TOKEN`
 * secret, a writer token separate from ADMIN_TOKEN: 404 `events_disabled` when it is unset, else
 * 401 `unauthorized` like the admin routes.
 */
export function requireEventsToken(): MiddlewareHandler<AppEnv> {
  return bearerGuard({
    secret: 'EVENTS_TOKEN',
    realm: 'edgerec-events',
    disabled: (c) =>
      new ApiError(
        404,
        'events_disabled',
        `${c.req.method} ${c.req.path} is disabled: no EVENTS_TOKEN secret is set (wrangler secret put EVENTS_TOKEN)`,
      ),
  });
}
