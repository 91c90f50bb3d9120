import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './app-env';
import { MODEL_HEADER } from './model-store';

/** Methods a cross-origin request may use (answered in preflights). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS'];
/** Request headers a cross-origin request may send. */
export const CORS_ALLOW_HEADERS = ['Content-Type'];
/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_MAX_AGE = 600;

/**
 * The origins of `CORS_ORIGINS`: comma-separated, trimmed, a trailing `/` dropped (browsers send
 * `https://app.example`, never `https://app.example/`), empty entries ignored. `['*']` when any
 * entry is `*`; `[]` (no CORS) when the variable is unset or blank.
 */
export function parseCorsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin !== '');
  return origins.includes('*') ? ['*'] : [...new Set(origins)];
}

/**
 * CORS from the `CORS_ORIGINS` variable, read per request (so tests and `wrangler dev --var` can
 * change it), with Hono's `cors` middleware:
 * - unset or blank: no CORS headers at all, and `OPTIONS` gets the usual 404/405;
 * - `*`: `Access-Control-Allow-Origin: *` on every response;
 * - a list: the request's `Origin` echoed back when it is in the list (with `Vary: Origin`), no
 *   allow-origin header otherwise (the browser then blocks the response).
 * A preflight (`OPTIONS`) is answered 204 with the allowed methods and headers, before routing and
 * without touching the model. `x-edgerec-model` is exposed to scripts. No credentials.
 */
export function corsFromEnv(): MiddlewareHandler<AppEnv> {
  const cache = new Map<string, MiddlewareHandler | undefined>();
  return async (c, next) => {
    const setting = c.env?.CORS_ORIGINS ?? '';
    let handler = cache.get(setting);
    if (!cache.has(setting)) {
      const origins = parseCorsOrigins(setting);
      handler =
        origins.length === 0
          ? undefined
          : cors({
              origin: origins[0] === '*' ? '*' : origins,
              allowMethods: CORS_METHODS,
              allowHeaders: CORS_ALLOW_HEADERS,
              exposeHeaders: [MODEL_HEADER],
              maxAge: CORS_MAX_AGE,
            });
      if (cache.size > 16) cache.clear();
      cache.set(setting, handler);
    }
    return handler ? handler(c, next) : next();
  };
}
