import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';

/** Error codes of the admin endpoints (answered in the usual `{ error: { code, message } }` shape). */
export type AdminErrorCode = 'unauthorized' | 'admin_disabled' | 'model_rejected' | 'model_unavailable';

/** An admin error response; `reason` carries the ArtifactError code or source reason of a failed reload. */
export function adminError(
  c: Context,
  status: 401 | 404 | 422 | 503,
  code: AdminErrorCode,
  message: string,
  extra: { reason?: string; headers?: Record<string, string> } = {},
): Response {
  const error = extra.reason === undefined ? { code, message } : { code, message, reason: extra.reason };
  return c.json({ error }, status, extra.headers ?? {});
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

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

/**
 * Guards admin routes with the `ADMIN_TOKEN` secret: 404 `admin_disabled` when the secret is unset
 * or blank (the endpoint is never open), 401 `unauthorized` (with `WWW-Authenticate: Bearer`)
 * when the `Authorization: Bearer <token>` header is missing or does not match.
 */
export function requireAdminToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.env?.ADMIN_TOKEN ?? '';
    if (expected.trim() === '') {
      return adminError(
        c,
        404,
        'admin_disabled',
        `${c.req.method} ${c.req.path} is disabled: no ADMIN_TOKEN secret is set (wrangler secret put ADMIN_TOKEN)`,
      );
    }
    const challenge = { 'WWW-Authenticate': 'Bearer realm="edgerec-admin"' };
    const given = bearerToken(c.req.header('authorization'));
    if (given === undefined) {
      return adminError(c, 401, 'unauthorized', 'missing credentials: send Authorization: Bearer <ADMIN_TOKEN>', {
        headers: challenge,
      });
    }
    if (!(await secretsEqual(given, expected))) {
      return adminError(c, 401, 'unauthorized', 'invalid admin token', { headers: challenge });
    }
    await next();
  };
}
