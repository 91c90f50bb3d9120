import type { ModelVariables } from './model-store';
import type { ApiApp } from './openapi/app';

/**
 * Hono environment of the edgerec app: the worker's bindings, and the model version pinned for
 * the request (`c.get('model')` on `/v1/*` routes; see src/model-store.ts).
 */
export type AppEnv = { Bindings: Env; Variables: ModelVariables };

/** The edgerec app type that route modules register on. */
export type App = ApiApp;
