import * as z from 'zod';
import { defineRoute } from '../openapi/route';
import type { App } from '../app-env';
import { limitBody } from '../body-limit';
import { MAX_BATCH, MAX_BODY_BYTES } from '../limits';
import {
  InteractionScoreSchema,
  PairErrorSchema,
  ScoreSchema,
  errorContent,
  idSchema,
  jsonContent,
  required,
  thresholdBodySchema,
  thresholdQuerySchema,
} from '../schemas';
import { scorePair, tryScorePair } from '../scoring';
import { defaultThreshold, requestThreshold } from '../threshold';

/** `GET /v1/score` query. */
export const ScoreQuerySchema = z.object({
  user: idSchema('user'),
  item: idSchema('item'),
  threshold: thresholdQuerySchema.optional(),
});

/** `GET /v1/score` response: a rating model's or an interaction model's score. */
export const PairScoreSchema = z.union([ScoreSchema, InteractionScoreSchema]);

/** `POST /v1/score` body. */
export const BatchRequestSchema = z
  .object({
    pairs: z
      .array(z.object({ user: idSchema('user'), item: idSchema('item') }), { error: required('an array') })
      .min(1, 'must hold at least one pair')
      .max(MAX_BATCH, {
        error: (issue) =>
          `at most ${MAX_BATCH} pairs per request${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}`,
      }),
    threshold: thresholdBodySchema.optional(),
  })
  .meta({ id: 'BatchScoreRequest' });

/** `POST /v1/score` response. */
export const BatchResponseSchema = z
  .object({
    results: z.array(z.union([ScoreSchema, InteractionScoreSchema, PairErrorSchema])).meta({
      description:
        'One entry per requested pair, in request order: a score (`Score` for a rating model, `InteractionScore` for an interaction model), or an error for an unknown id.',
    }),
  })
  .meta({ id: 'BatchScores' });

const scoreRoute = defineRoute({
  method: 'get',
  path: '/v1/score',
  operationId: 'scorePair',
  tags: ['Scores'],
  summary: 'Score one (user, item) pair',
  description:
    'A rating model (also one with a ranking head: pairs are scored by its rating head) answers the predicted rating of `item` by `user` (`Score`: `rating`, clipped to the scale, and `unclippedRating`, the same prediction before clipping). ' +
    'An interaction model answers a ranking score, never a rating (`InteractionScore`: `score`, and `probability` for a sigmoid head). ' +
    "Either way `recommend` says whether the number reaches the threshold: the artifact's (set by the trainer so that, for an interaction model, `recommend: true` means about \"would be in this user's top 10\"), RECOMMEND_THRESHOLD, or the request's `threshold`.",
  request: { query: ScoreQuerySchema },
  responses: {
    200: jsonContent(PairScoreSchema, 'The score: `Score` (rating model) or `InteractionScore` (interaction model).'),
    400: errorContent('A parameter is missing or invalid (`invalid_request`).'),
    404: errorContent(
      'The model does not know the user (`unknown_user`) or the item (`unknown_item`). There is no cold-start fallback here: a score needs a known user and item.',
    ),
    503: errorContent('No model could be loaded (`model_unavailable`).'),
  },
});

const batchRoute = defineRoute({
  method: 'post',
  path: '/v1/score',
  operationId: 'scorePairs',
  tags: ['Scores'],
  summary: 'Score a batch of pairs',
  description: `Scores 1 to ${MAX_BATCH} (MAX_BATCH) pairs in one request, each like GET /v1/score (a rating, or a score for an interaction model). Unknown ids do not fail the batch: their entries carry an \`error\` instead of a score. Bodies over ${MAX_BODY_BYTES} bytes are refused with 413 \`payload_too_large\`.`,
  middleware: [limitBody()],
  request: {
    body: BatchRequestSchema,
  },
  responses: {
    200: jsonContent(BatchResponseSchema, 'One result per pair, in request order.'),
    400: errorContent('The body is not valid JSON (`invalid_json`) or does not match the schema (`invalid_request`).'),
    413: errorContent(
      `More than ${MAX_BATCH} pairs (\`batch_too_large\`) or an oversized body (\`payload_too_large\`).`,
    ),
    415: errorContent('The body is not sent as application/json (`unsupported_media_type`).'),
    503: errorContent('No model could be loaded (`model_unavailable`).'),
  },
});

/** Registers `GET /v1/score` and `POST /v1/score`. */
export function registerScoreRoutes(app: App): void {
  app.openapi(scoreRoute, (c, { query, ok }) => {
    const { model } = c.get('model');
    const fallback = defaultThreshold(model, c.env?.RECOMMEND_THRESHOLD).value;
    const threshold = requestThreshold(model, query.threshold, fallback);
    return ok(scorePair(model, query.user, query.item, threshold));
  });

  app.openapi(batchRoute, (c, { body, ok }) => {
    const { model } = c.get('model');
    const fallback = defaultThreshold(model, c.env?.RECOMMEND_THRESHOLD).value;
    const threshold = requestThreshold(model, body.threshold, fallback);
    const results = body.pairs.map(({ user, item }) => tryScorePair(model, user, item, threshold));
    return ok({ results });
  });
}
