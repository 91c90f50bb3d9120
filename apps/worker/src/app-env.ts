import type { OpenAPIHono } from '@hono/zod-openapi';

/** Hono environment of the edgerec app: the worker's bindings. */
export type AppEnv = { Bindings: Env };

/** The edgerec app type that route modules register on. */
export type App = OpenAPIHono<AppEnv>;
