import { createRoute } from '@hono/zod-openapi';
import type { App } from '../app-env';
import { limitBody } from '../body-limit';
import {
  K_MAX,
  K_MIN,
  MAX_BODY_BYTES,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_FOLD_IN_ITEMS,
  MAX_FOLD_IN_RATINGS,
  RERANK_POOL_FACTOR,
  RERANK_POOL_MIN,
} from '../limits';
import type { ModelStore } from '../model-store';
import {
  FoldInRequestSchema,
  FoldInResponseSchema,
  RecommendationsParamsSchema,
  RecommendationsQuerySchema,
  RecommendationsSchema,
  errorContent,
  jsonContent,
} from '../schemas';
import { foldInRecommend } from '../fold-in';
import { recommendFor } from '../ranking';

const unavailable = errorContent('No model could be loaded (`model_unavailable`).');

const recommendationsRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/recommendations',
  tags: ['Recommendations'],
  summary: 'Top-K items for a user',
  description:
    `The k (${K_MIN} to ${K_MAX}) best items, best first, excluding the items the user rated or interacted with in training when the artifact lists them and the \`exclude\` ids, ` +
    `over the whole catalogue or only over the \`candidates\` ids (re-ranking, at most ${MAX_CANDIDATES}). ` +
    'Items are ranked by the model\'s ranking head: an interaction model answers `{ item, score, probability? }` (scores, never ratings); a rating model with a ranking head `{ item, score, rating, raw }` ' +
    `(\`order=rating\` re-ranks the head's best max(${RERANK_POOL_FACTOR}k, ${RERANK_POOL_MIN}) by predicted rating); other rating models \`{ item, rating, raw }\`. ` +
    'An unknown user gets the cold-start fallback, the same for every unknown user: the most popular items (`fallback: "popularity"`, each with its `popularity`) when the artifact stores popularity, else items ranked by item bias (`fallback: "item-bias"`), flagged `coldStart: true` (or 404 with `coldStart=error`).',
  request: { params: RecommendationsParamsSchema, query: RecommendationsQuerySchema },
  responses: {
    200: jsonContent(RecommendationsSchema, 'The ranking.'),
    400: errorContent(
      `\`k\` is not an integer in range, \`exclude\` / \`candidates\` hold more than ${MAX_EXCLUDE} / ${MAX_CANDIDATES} ids or an over-long id, \`coldStart\` is not \`fallback\` / \`error\`, \`order\` is not \`score\` / \`rating\`, or \`order=rating\` for an interaction model (\`invalid_request\`).`,
    ),
    404: errorContent('With `coldStart=error`: the model does not know the user (`unknown_user`).'),
    503: unavailable,
  },
});

const foldInRoute = createRoute({
  method: 'post',
  path: '/v1/recommendations',
  tags: ['Recommendations'],
  summary: 'Top-K items for a new user, from their ratings or the items they interacted with (fold-in)',
  description:
    'Places a user the model has never seen against the fixed item embeddings, then ranks like GET /v1/users/{user}/recommendations without the items of the body. ' +
    `\`ratings\` (1 to ${MAX_FOLD_IN_RATINGS}; rating models): core's foldInUser solves a vector and bias on the rating head; with an iALS ranking head the rated items also fold into the head (interactions of weight 1), which then ranks, while \`rating\` comes from the rating head. ` +
    `\`items\` (1 to ${MAX_FOLD_IN_ITEMS} ids or \`{ item, weight }\`; models whose ranking head has an iALS fold-in, see GET /v1/model \`foldIn\`): core's foldInInteractions, the exact iALS user solve. ` +
    'Unknown items are skipped and listed in `foldedIn.unknownItems`. ' +
    `Bodies over ${MAX_BODY_BYTES} bytes are refused with 413 \`payload_too_large\`.`,
  middleware: [limitBody()] as const,
  request: {
    body: { content: { 'application/json': { schema: FoldInRequestSchema } }, required: true },
  },
  responses: {
    200: jsonContent(FoldInResponseSchema, 'The ranking for the folded-in user.'),
    400: errorContent(
      "The body is not valid JSON (`invalid_json`), does not match the schema (e.g. both or neither of `ratings` and `items`, a weight that is not a positive number), a rating is outside the model's rating scale, or `order=rating` cannot apply (`invalid_request`; the message names the field).",
    ),
    413: errorContent(
      `More than ${MAX_FOLD_IN_RATINGS} ratings or ${MAX_FOLD_IN_ITEMS} items (\`batch_too_large\`) or an oversized body (\`payload_too_large\`).`,
    ),
    415: errorContent('The body is not sent as application/json (`unsupported_media_type`).'),
    422: errorContent(
      'The model knows none of the items of the body (`no_known_items`), or cannot fold in this kind of body (`fold_in_unsupported`: `ratings` for an interaction model, `items` for a model without an iALS fold-in).',
    ),
    503: unavailable,
  },
});

/** Registers `GET /v1/users/{user}/recommendations` and `POST /v1/recommendations` (fold-in). */
export function registerRecommendationRoutes(app: App, deps: { models: ModelStore }): void {
  app.openapi(recommendationsRoute, async (c) => {
    const { user } = c.req.valid('param');
    const { k, exclude, candidates, coldStart, order } = c.req.valid('query');
    const { model } = c.get('model');
    return c.json({ user, k, ...recommendFor(model, user, k, { filter: { exclude, candidates }, coldStart, order }) }, 200);
  });

  app.openapi(foldInRoute, async (c) => {
    const body = c.req.valid('json');
    const { model } = c.get('model');
    return c.json({ k: body.k, ...foldInRecommend(model, body) }, 200);
  });
}
