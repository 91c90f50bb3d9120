import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from './errors';

/** Most pairs one `POST /v1/score` may carry. */
export const MAX_BATCH = 1000;
/** Most characters in a user or item id. */
export const MAX_ID_LENGTH = 256;
/** Largest accepted request body, in bytes (a full batch of long ids fits comfortably). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Bounds and default of `k` for recommendations. */
export const K_MIN = 1;
export const K_MAX = 100;
export const K_DEFAULT = 10;

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

const idSchema = (kind: 'user' | 'item') =>
  z
    .string({ error: required('a string') })
    .min(1, 'must not be empty')
    .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
    .openapi({ description: `The ${kind}'s id as it appears in the training data.`, example: kind === 'user' ? '42' : '318' });

const thresholdDoc = {
  description:
    "Recommend threshold in rating units, inside the model's rating scale. Defaults to the artifact's threshold (or the RECOMMEND_THRESHOLD override).",
  example: 4,
};
/** A number sent as a query string: blank or non-numeric text fails instead of coercing to 0. */
const queryNumber = (schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), schema);

const thresholdQuerySchema = queryNumber(z.number({ error: 'must be a number' })).openapi(thresholdDoc);
const thresholdBodySchema = z.number({ error: 'must be a number' }).openapi(thresholdDoc);

/** The body of every error response. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).openapi({ example: 'unknown_user' }),
      message: z.string().openapi({ example: 'unknown user "9999" (the model knows 610 users)' }),
    }),
  })
  .openapi('Error');

/** `GET /health`. */
export const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');

const metricsSchema = z
  .object({ rmse: z.number(), mae: z.number(), count: z.number().int() })
  .nullable()
  .openapi({ description: 'Accuracy on the split, in rating units; null when the trainer did not evaluate it.' });

/** `GET /v1/model`. */
export const ModelInfoSchema = z
  .object({
    format: z.string().openapi({ example: 'edgerec-model' }),
    version: z.number().int().openapi({ example: 1 }),
    sha256: z.string().openapi({ description: 'The artifact\'s content sha256.' }),
    createdAt: z.string(),
    dim: z.number().int(),
    activation: z.enum(['tanh', 'sigmoid', 'linear']),
    counts: z.object({
      users: z.number().int(),
      items: z.number().int(),
      ratings: z.number().int().openapi({ description: 'Ratings the model was trained on.' }),
    }),
    scale: z.object({ min: z.number(), max: z.number() }).openapi({ description: 'The rating scale.' }),
    recommendThreshold: z.object({
      value: z.number().openapi({ description: 'The threshold used when a request does not give one.' }),
      source: z.enum(['artifact', 'env']).openapi({ description: '"env" when RECOMMEND_THRESHOLD overrides the artifact.' }),
      artifact: z.number().openapi({ description: 'The threshold stored in the artifact.' }),
    }),
    metrics: z.object({ validation: metricsSchema, test: metricsSchema }),
    training: z.object({
      epochs: z.number().int(),
      bestEpoch: z.number().int(),
      backend: z.string(),
      seconds: z.number(),
    }),
    seenItems: z.boolean().openapi({ description: 'Whether the artifact lists the items each user rated in training.' }),
  })
  .openapi('ModelInfo');

/** `GET /v1/score` query. */
export const ScoreQuerySchema = z.object({
  user: idSchema('user'),
  item: idSchema('item'),
  threshold: thresholdQuerySchema.optional(),
});

/** One scored pair. */
export const ScoreSchema = z
  .object({
    user: z.string(),
    item: z.string(),
    rating: z.number().openapi({ description: 'Predicted rating, clipped to the rating scale.', example: 4.12 }),
    raw: z.number().openapi({ description: 'The model output before unscaling.', example: 0.78 }),
    recommend: z.boolean().openapi({ description: 'Whether rating >= threshold.' }),
    threshold: z.number().openapi({ example: 3.5 }),
  })
  .openapi('Score');

/** A pair of a batch that could not be scored. */
export const PairErrorSchema = z
  .object({
    user: z.string(),
    item: z.string(),
    error: z.object({
      code: z.enum(['unknown_user', 'unknown_item']),
      message: z.string(),
    }),
  })
  .openapi('PairError');

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
  .openapi('BatchScoreRequest');

/** `POST /v1/score` response. */
export const BatchResponseSchema = z
  .object({
    results: z.array(z.union([ScoreSchema, PairErrorSchema])).openapi({
      description: 'One entry per requested pair, in request order: a score, or an error for an unknown id.',
    }),
  })
  .openapi('BatchScores');

/** `GET /v1/users/{user}/recommendations` path. */
export const RecommendationsParamsSchema = z.object({
  user: idSchema('user').openapi({ param: { name: 'user', in: 'path' } }),
});

const kMessage = `must be an integer from ${K_MIN} to ${K_MAX}`;

/** `GET /v1/users/{user}/recommendations` query. */
export const RecommendationsQuerySchema = z.object({
  k: queryNumber(z.number({ error: kMessage }).int(kMessage).min(K_MIN, kMessage).max(K_MAX, kMessage))
    .default(K_DEFAULT)
    .openapi({ description: 'How many items to return.', example: K_DEFAULT }),
});

/** `GET /v1/users/{user}/recommendations` response. */
export const RecommendationsSchema = z
  .object({
    user: z.string(),
    k: z.number().int(),
    items: z
      .array(z.object({ item: z.string(), rating: z.number(), raw: z.number() }))
      .openapi({ description: 'At most k items, best first.' }),
    excludedSeen: z.number().int().openapi({ description: 'How many items were skipped because the user rated them in training.' }),
    seenItems: z.boolean().openapi({
      description: 'Whether the artifact lists seen items; when false nothing was excluded.',
    }),
  })
  .openapi('Recommendations');

/** A JSON response content entry for createRoute. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error response entry for createRoute. */
export function errorContent(description: string) {
  return jsonContent(ErrorSchema, description);
}
