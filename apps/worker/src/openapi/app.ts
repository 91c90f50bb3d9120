/**
 * The Hono app that documents what it mounts: `app.openapi(route, handler)` validates the route's
 * path parameters, query and JSON body with its zod schemas (failures go through `validationHook`)
 * and keeps the route for `GET /openapi.json`.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import type * as z from 'zod';
import type { AppEnv } from '../app-env';
import { validationHook } from '../validation';
import type { RouteHandler, RouteInput, RouteSpec } from './route';

/** `application/json` or `application/<x>+json`, with optional parameters. */
const JSON_MEDIA_TYPE = /^application\/([a-z.-]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** The edgerec Hono app: Hono plus the routes it documents. */
export class ApiApp extends Hono<AppEnv> {
  /** Every route mounted with `openapi`, in mounting order. */
  readonly documentedRoutes: RouteSpec[] = [];
  /** `METHOD path` (Hono's form) of every mounted route marked `modelFree`. */
  readonly modelFreeRoutes = new Set<string>();

  /** Mounts `route` with its validators and middleware, and documents it. */
  openapi<Spec extends RouteSpec>(route: Spec, handler: RouteHandler<Spec>): this {
    const { params, query, body } = route.request ?? {};
    const chain: MiddlewareHandler<AppEnv>[] = [...(route.middleware ?? [])];
    if (params) chain.push(validated('param', params));
    if (query) chain.push(validated('query', query));
    if (body) chain.push(jsonMediaType, validated('json', body));
    const final = async (c: Context<AppEnv>) => {
      const input = {
        params: params ? c.req.valid('param' as never) : undefined,
        query: query ? c.req.valid('query' as never) : undefined,
        body: body ? c.req.valid('json' as never) : undefined,
        ok: (data: unknown, headers?: Record<string, string>) => c.json(data, 200, headers),
      } as unknown as RouteInput<Spec>;
      return handler(c, input);
    };
    // Hono's overloads type each handler position; the chain's length varies, so mount it untyped.
    const on = this.on.bind(this) as (
      method: string,
      path: string,
      ...handlers: MiddlewareHandler<AppEnv>[]
    ) => unknown;
    on(route.method.toUpperCase(), honoPath(route.path), ...chain, final);
    this.documentedRoutes.push(route);
    if (route.modelFree) this.modelFreeRoutes.add(`${route.method.toUpperCase()} ${honoPath(route.path)}`);
    return this;
  }
}

/** `/v1/items/{item}/similar` → `/v1/items/:item/similar`. */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** Validates one part of the request with `schema`; a failure answers through `validationHook`. */
function validated(target: 'param' | 'query' | 'json', schema: z.ZodType): MiddlewareHandler<AppEnv> {
  return validator(target, (value, c) => {
    const result = schema.safeParse(value);
    if (result.success) return result.data as never;
    return validationHook({ target, success: false, error: result.error }, c) as never;
  });
}

/**
 * A JSON body route refuses another media type with 415, and a body sent without a Content-Type;
 * a request with no body at all is validated as `{}` (its message names the missing fields).
 */
const jsonMediaType: MiddlewareHandler<AppEnv> = async (c, next) => {
  const contentType = c.req.header('content-type');
  const refused = contentType ? !JSON_MEDIA_TYPE.test(contentType) : (await c.req.arrayBuffer()).byteLength > 0;
  if (refused) throw new HTTPException(415, { message: 'Unsupported Media Type' });
  await next();
};
