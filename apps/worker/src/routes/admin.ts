import * as z from 'zod';
import { defineRoute } from '../openapi/route';
import type { App } from '../app-env';
import { requireAdminToken } from '../auth';
import { ApiError } from '../errors';
import { describeLoadFailure, servedInfo, ServedInfoSchema } from '../model-source';
import { MODEL_HEADER, keepAlive, modelTag, type ModelStore } from '../model-store';
import { ADMIN_SECURITY, errorContent, jsonContent } from '../schemas';

/** `POST /admin/reload` response. */
export const ReloadSchema = z
  .object({
    status: z.enum(['loaded', 'swapped', 'unchanged']).meta({
      description:
        '`loaded`: no model served before; `swapped`: another sha256 serves now; `unchanged`: the source still holds the served artifact.',
    }),
    joined: z
      .boolean()
      .meta({ description: 'True when this call joined a reload already running in the isolate (single-flight).' }),
    model: ServedInfoSchema,
    // Its own component: OpenAPI 3.0 has no valid nullable $ref (`allOf` + a lone `nullable` fails nullable-type-sibling).
    previous: ServedInfoSchema.nullable().meta({
      id: 'PreviousServedModel',
      description: 'What served before the call; null when nothing did.',
    }),
  })
  .meta({ id: 'Reload' });

const reloadRoute = defineRoute({
  method: 'post',
  path: '/admin/reload',
  operationId: 'reloadModel',
  tags: ['Admin'],
  summary: 'Reload the model in this isolate (hot swap)',
  description:
    'Reads the configured source again (the R2 pointer / MODEL_KEY, or the bundled artifact) and swaps the new model in if it validates; on failure the previous model keeps serving. ' +
    '`x-edgerec-model` names the model serving after the call. Only this isolate reloads: other isolates keep their model until they restart or get their own reload.',
  security: ADMIN_SECURITY,
  middleware: [requireAdminToken()],
  responses: {
    200: jsonContent(ReloadSchema, 'The model now serving, and the one before.'),
    401: errorContent(
      'The `Authorization: Bearer <ADMIN_TOKEN>` header is missing, malformed or wrong (`unauthorized`, with `WWW-Authenticate: Bearer`).',
    ),
    404: errorContent('No ADMIN_TOKEN secret is set: the endpoint is disabled (`admin_disabled`).'),
    422: errorContent(
      'The artifact was refused (`model_rejected`; `error.reason` is the ArtifactError code: `checksum`, `invalid-json`, `schema`, `unsupported-version`, `wrong-format`, `inconsistent`, `too-large`, `unsigned`, `signature`). Retrying will not help.',
    ),
    503: errorContent(
      'The source could not deliver an artifact (`model_unavailable`; `error.reason`: `pointer-missing`, ..., or `bad-config`).',
    ),
  },
});

/**
 * Registers `POST /admin/reload` (bearer `ADMIN_TOKEN`): this isolate reads the configured source
 * again and swaps the new model in if it validates (see the route's description).
 */
export function registerAdminRoutes(app: App, models: ModelStore): void {
  app.openapi(reloadRoute, async (c, { ok }) => {
    const outcome = await keepAlive(c, models.reload(c.env ?? {}));
    const headers: Record<string, string> = outcome.current ? { [MODEL_HEADER]: modelTag(outcome.current) } : {};
    if (outcome.ok) {
      const { status, joined, current, previous } = outcome;
      return ok(
        { status, joined, model: servedInfo(current), previous: previous ? servedInfo(previous) : null },
        headers,
      );
    }
    const failure = describeLoadFailure(outcome.error);
    const serving = outcome.current ? `still serving ${modelTag(outcome.current)}` : 'no model is serving';
    const options = { reason: failure.reason, headers };
    if (failure.kind === 'rejected') {
      throw new ApiError(
        422,
        'model_rejected',
        `the new model was rejected (${failure.reason}), ${serving}: ${failure.message}`,
        options,
      );
    }
    throw new ApiError(
      503,
      'model_unavailable',
      `the new model could not be loaded (${failure.reason}), ${serving}: ${failure.message}`,
      options,
    );
  });
}
