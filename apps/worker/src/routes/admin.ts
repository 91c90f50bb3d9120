import type { App } from '../app-env';
import { adminError, requireAdminToken } from '../auth';
import { describeLoadFailure, servedInfo } from '../model-source';
import { MODEL_HEADER, keepAlive, modelTag, type ModelStore } from '../model-store';

/**
 * Registers `POST /admin/reload` (bearer `ADMIN_TOKEN`; not in the public OpenAPI document).
 *
 * It makes this isolate read the configured source again (the R2 pointer / MODEL_KEY, or the
 * bundled artifact) and swap the new model in if it validates:
 * - 200 `{ status: "loaded" | "swapped" | "unchanged", joined, model, previous }`;
 * - 422 `model_rejected` when the artifact is refused (`reason` is the ArtifactError code:
 *   `checksum`, `invalid-json`, `schema`, `unsupported-version`, `wrong-format`, `inconsistent`,
 *   `too-large` (decoded-size budget, or an R2 object over MODEL_MAX_OBJECT_MB), `unsigned`,
 *   `signature`): the request was fine, the artifact is not, and retrying will not help;
 * - 503 `model_unavailable` when the source cannot deliver it (`reason`: `pointer-missing`, ...,
 *   or `bad-config` for a malformed MODEL_SOURCE, MODEL_PUBLIC_KEYS or size var).
 * On failure the previous model keeps serving; `x-edgerec-model` names the model serving after
 * the call. Only this isolate reloads: other isolates keep their model until they restart or
 * get their own reload.
 */
export function registerAdminRoutes(app: App, deps: { models: ModelStore }): void {
  app.post('/admin/reload', requireAdminToken(), async (c) => {
    const outcome = await keepAlive(c, deps.models.reload(c.env ?? {}));
    const headers: Record<string, string> = outcome.current ? { [MODEL_HEADER]: modelTag(outcome.current) } : {};
    if (outcome.ok) {
      return c.json(
        {
          status: outcome.status,
          joined: outcome.joined,
          model: servedInfo(outcome.current),
          previous: outcome.previous ? servedInfo(outcome.previous) : null,
        },
        200,
        headers,
      );
    }
    const failure = describeLoadFailure(outcome.error);
    const serving = outcome.current ? `still serving ${modelTag(outcome.current)}` : 'no model is serving';
    const message =
      failure.kind === 'rejected'
        ? `the new model was rejected (${failure.reason}), ${serving}: ${failure.message}`
        : `the new model could not be loaded (${failure.reason}), ${serving}: ${failure.message}`;
    return failure.kind === 'rejected'
      ? adminError(c, 422, 'model_rejected', message, { reason: failure.reason, headers })
      : adminError(c, 503, 'model_unavailable', message, { reason: failure.reason, headers });
  });
}
