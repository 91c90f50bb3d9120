import type { Context, NotFoundHandler } from 'hono';
import type { RouterRoute } from 'hono/types';
import { ApiError, errorResponse } from './errors';

/**
 * A not-found handler that answers 405 `method_not_allowed` (with an Allow header) when another
 * method is routed for the path, and 404 `not_found` otherwise.
 */
export function notFoundHandler(routes: () => readonly RouterRoute[]): NotFoundHandler {
  return (c: Context) => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(routes(), path);
    if (allowed.length > 0) {
      return errorResponse(
        c,
        new ApiError(
          405,
          'method_not_allowed',
          `${c.req.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
          {
            headers: { Allow: allowed.join(', ') },
          },
        ),
      );
    }
    return errorResponse(c, new ApiError(404, 'not_found', `no route for ${c.req.method} ${path}`));
  };
}

/** The methods routed for a path (HEAD implied by GET), ignoring middleware-only entries. */
export function allowedMethods(routes: readonly RouterRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL') continue;
    if (patternToRegExp(route.path).test(path)) {
      methods.add(route.method);
      if (route.method === 'GET') methods.add('HEAD');
    }
  }
  return [...methods];
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
