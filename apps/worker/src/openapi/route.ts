/**
 * A route as data: its OpenAPI operation (summary, parameters, body, responses) and the zod schemas
 * that validate its request. `ApiApp.openapi` (src/openapi/app.ts) mounts it on Hono and
 * `buildOpenApiDocument` (src/openapi/document.ts) documents it, so a route is described once.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type * as z from 'zod';
import type { AppEnv } from '../app-env';

/** The methods the API's routes use. */
export type RouteMethod = 'get' | 'post' | 'put' | 'delete';

/** An object schema of path or query parameters (each key a parameter). */
export type ParamsSchema = z.ZodObject<z.ZodRawShape>;

/** One documented response: its description, and its JSON body's schema (none for an empty body). */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/** The 200 response, whose body the handler's `ok` is typed by. */
export interface OkResponseSpec<Body extends z.ZodType> extends ResponseSpec {
  schema: Body;
}

/** A route: method and OpenAPI path (`{name}` parameters), its documentation, request schemas and responses. */
export interface RouteSpec<
  Params extends ParamsSchema | undefined = ParamsSchema | undefined,
  Query extends ParamsSchema | undefined = ParamsSchema | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Ok extends z.ZodType = z.ZodType,
> {
  method: RouteMethod;
  /** The OpenAPI path, e.g. `/v1/items/{item}/similar`. */
  path: `/${string}`;
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** OpenAPI security requirements (the admin routes name the bearer scheme). */
  security?: Record<string, string[]>[];
  /** True for a /v1 route that needs no model (event ingestion): the model store lets it through. */
  modelFree?: boolean;
  /** Middleware run before validation (body limits, authentication). */
  middleware?: readonly MiddlewareHandler<AppEnv>[];
  request?: {
    params?: Params;
    query?: Query;
    /** A JSON body (required: a request without one is validated as `{}`). */
    body?: Body;
  };
  responses: { 200: OkResponseSpec<Ok> } & Record<string, ResponseSpec>;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler gets besides the context: the validated request and a typed 200 answer. */
export type RouteInput<Spec extends RouteSpec> =
  Spec extends RouteSpec<infer Params, infer Query, infer Body, infer Ok>
    ? {
        params: Parsed<Params>;
        query: Parsed<Query>;
        body: Parsed<Body>;
        /** Answers 200 with `data` as JSON (typed by the route's 200 schema) and optional headers. */
        ok: (data: z.input<Ok>, headers?: Record<string, string>) => Response;
      }
    : never;

/** A route's handler: answers with `input.ok(...)`, or throws an ApiError. */
export type RouteHandler<Spec extends RouteSpec> = (
  c: Context<AppEnv>,
  input: RouteInput<Spec>,
) => Response | Promise<Response>;

/** Declares a route (an identity function that keeps the spec's literal schema types). */
export function defineRoute<
  Params extends ParamsSchema | undefined,
  Query extends ParamsSchema | undefined,
  Body extends z.ZodType | undefined,
  Ok extends z.ZodType,
>(spec: RouteSpec<Params, Query, Body, Ok>): RouteSpec<Params, Query, Body, Ok> {
  return spec;
}

/** A JSON response entry: the body's schema and what it means. */
export function jsonResponse<S extends z.ZodType>(schema: S, description: string): OkResponseSpec<S> {
  return { schema, description };
}
