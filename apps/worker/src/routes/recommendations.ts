import { createRoute } from '@hono/zod-openapi';
import type { App } from '../app-env';
import { limitBody } from '../body-limit';
import type { ModelStore } from '../model-store';
import {
  FoldInRequestSchema,
  FoldInResponseSchema,
  K_MAX,
  K_MIN,
  MAX_BODY_BYTES,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_FOLD_IN_RATINGS,
  RecommendationsParamsSchema,
  RecommendationsQuerySchema,
  RecommendationsSchema,
  errorContent,
  jsonContent,
} from '../schemas';
import { foldInRecommend, recommendFor } from '../scoring';

const unavailable = errorContent('No model could be loaded (`model_unavailable`).');

const recommendationsRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/recommendations',
  tags: ['Recommendations'],
  summary: 'Top-K items for a user',
  description:
    `The k (${K_MIN} to ${K_MAX}) highest-scoring items, best first, excluding the items the user rated in training when the artifact lists them and the \`exclude\` ids, ` +
    `over the whole catalogue or only over the \`candidates\` ids (re-ranking, at most ${MAX_CANDIDATES}). ` +
    'An unknown user gets the cold-start fallback: items ranked by item bias, flagged `coldStart: true, fallback: "item-bias"` (or 404 with `coldStart=error`).',
  request: { params: RecommendationsParamsSchema, query: RecommendationsQuerySchema },
  responses: {
    200: jsonContent(RecommendationsSchema, 'The ranking.'),
    400: errorContent(
      `\`k\` is not an integer in range, \`exclude\` / \`candidates\` hold more than ${MAX_EXCLUDE} / ${MAX_CANDIDATES} ids or an over-long id, or \`coldStart\` is not \`fallback\` / \`error\` (\`invalid_request\`).`,
    ),
    404: errorContent('With `coldStart=error`: the model does not know the user (`unknown_user`).'),
    503: unavailable,
  },
});

const foldInRoute = createRoute({
  method: 'post',
  path: '/v1/recommendations',
  tags: ['Recommendations'],
  summary: 'Top-K items for a new user, from their ratings (fold-in)',
  description:
    `Solves a vector and bias for a user the model has never seen from 1 to ${MAX_FOLD_IN_RATINGS} ratings, holding the item embeddings fixed (the same model otherwise), ` +
    'then ranks like GET /v1/users/{user}/recommendations without the rated items. Unknown rated items are skipped and listed in `foldedIn.unknownItems`. ' +
    `Bodies over ${MAX_BODY_BYTES} bytes are refused with 413 \`payload_too_large\`.`,
  middleware: [limitBody()] as const,
  request: {
    body: { content: { 'application/json': { schema: FoldInRequestSchema } }, required: true },
  },
  responses: {
    200: jsonContent(FoldInResponseSchema, 'The ranking for the folded-in user.'),
    400: errorContent(
      "The body is not valid JSON (`invalid_json`), does not match the schema, or a rating is outside the model's rating scale (`invalid_request`; the message names the field).",
    ),
    413: errorContent(`More than ${MAX_FOLD_IN_RATINGS} ratings (\`batch_too_large\`) or an oversized body (\`payload_too_large\`).`),
    415: errorContent('The body is not sent as application/json (`unsupported_media_type`).'),
    422: errorContent('The model knows none of the rated items (`no_known_items`).'),
    503: unavailable,
  },
});

/** Registers `GET /v1/users/{user}/recommendations` and `POST /v1/recommendations` (fold-in). */
export function registerRecommendationRoutes(app: App, deps: { models: ModelStore }): void {
  app.openapi(recommendationsRoute, async (c) => {
    const { user } = c.req.valid('param');
    const { k, exclude, candidates, coldStart } = c.req.valid('query');
    const { model } = c.get('model');
    return c.json({ user, k, ...recommendFor(model, user, k, { exclude, candidates }, coldStart) }, 200);
  });

  app.openapi(foldInRoute, async (c) => {
    const { ratings, k, exclude, candidates, l2 } = c.req.valid('json');
    const { model } = c.get('model');
    return c.json({ k, ...foldInRecommend(model, ratings, k, { exclude, candidates }, l2) }, 200);
  });
}
