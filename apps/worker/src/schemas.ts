import { DEFAULT_FOLD_IN_L2 } from '@edgerec/core';
import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from './errors';
import { ServedInfoSchema } from './model-source';

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
/** Most candidate ids one recommendations request may rank (`candidates`). */
export const MAX_CANDIDATES = 1000;
/** Most ids one recommendations request may exclude (`exclude`). */
export const MAX_EXCLUDE = 1000;
/** Most ratings one fold-in request (`POST /v1/recommendations`) may carry. */
export const MAX_FOLD_IN_RATINGS = 200;
/** Bounds of the fold-in ridge `l2` a request may set (the default is core's DEFAULT_FOLD_IN_L2). */
export const FOLD_IN_L2_MIN = 1e-4;
export const FOLD_IN_L2_MAX = 100;

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

/**
 * An integer sent as a query string: only optional blanks around an optional sign and decimal
 * digits count as a number; anything else (`2.5`, `1e1`, `0x10`, `NaN`, `Infinity`, blank) is left
 * as text and fails the number schema.
 */
const queryInteger = (schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value), schema);

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
    served: ServedInfoSchema.openapi({ description: 'The version this isolate serves and where it was loaded from.' }),
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

/** `k` as a query parameter: an integer from K_MIN to K_MAX, default K_DEFAULT. */
const kQuerySchema = queryInteger(z.number({ error: kMessage }).int(kMessage).min(K_MIN, kMessage).max(K_MAX, kMessage))
  .default(K_DEFAULT)
  .openapi({ description: `How many items to return (${K_MIN} to ${K_MAX}).`, example: K_DEFAULT });

/** `k` in a JSON body. */
const kBodySchema = z
  .number({ error: kMessage })
  .int(kMessage)
  .min(K_MIN, kMessage)
  .max(K_MAX, kMessage)
  .default(K_DEFAULT)
  .openapi({ description: `How many items to return (${K_MIN} to ${K_MAX}).`, example: K_DEFAULT });

/**
 * A comma-separated list of item ids in one query parameter: empty entries are dropped, repeated
 * ids counted once (first occurrence kept), each id at most MAX_ID_LENGTH characters, at most
 * `max` ids. An id cannot contain a comma in this form.
 */
const idListQuery = (max: number, description: string, example: string) =>
  z
    .string({ error: 'must be one comma-separated list of ids (give the parameter once)' })
    .transform((text, ctx) => {
      const ids = distinct(text.split(',').filter((id) => id !== ''));
      if (ids.length > max) {
        ctx.addIssue({ code: 'custom', input: text, message: `at most ${max} ids (got ${ids.length})` });
        return z.NEVER;
      }
      const long = ids.findIndex((id) => id.length > MAX_ID_LENGTH);
      if (long >= 0) {
        ctx.addIssue({ code: 'custom', input: text, message: `id ${long + 1} is longer than ${MAX_ID_LENGTH} characters` });
        return z.NEVER;
      }
      return ids;
    })
    .openapi({ type: 'string', description, example });

/** A list of item ids in a JSON body (repeated ids counted once). */
const idListBody = (max: number, description: string) =>
  z
    .array(idSchema('item'), { error: 'must be an array of item ids' })
    .max(max, { error: (issue) => `at most ${max} ids${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}` })
    .transform(distinct)
    .openapi({ description });

/** The ids of `ids` without repeats, in first-seen order. */
function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

const excludeDoc = `Item ids never to return (at most ${MAX_EXCLUDE}). Unknown ids are ignored and counted in \`exclude.unknown\`.`;
const candidatesDoc = `Rank only these item ids (at most ${MAX_CANDIDATES}; re-ranking), in any order. Unknown ids are listed in \`candidates.unknown\`; fewer than k items come back when fewer candidates are eligible.`;

/** `GET /v1/users/{user}/recommendations` query. */
export const RecommendationsQuerySchema = z.object({
  k: kQuerySchema,
  exclude: idListQuery(MAX_EXCLUDE, `${excludeDoc} Comma-separated.`, 'item-3,item-9').optional(),
  candidates: idListQuery(MAX_CANDIDATES, `${candidatesDoc} Comma-separated.`, 'item-1,item-2,item-5').optional(),
  coldStart: z
    .enum(['fallback', 'error'], { error: 'must be "fallback" or "error"' })
    .default('fallback')
    .openapi({
      description:
        'What an unknown user gets: `fallback` (default) ranks items by item bias and flags the response `coldStart: true`; `error` answers 404 `unknown_user`.',
      example: 'fallback',
    }),
});

/** One ranked item. */
export const RecommendedItemSchema = z
  .object({
    item: z.string(),
    rating: z.number().openapi({ description: 'Predicted rating, clipped to the rating scale.', example: 4.42 }),
    raw: z.number().openapi({ description: 'The model output before unscaling.', example: 0.86 }),
  })
  .openapi('RecommendedItem');

/** How the `exclude` ids of a request were applied. */
export const ExcludeInfoSchema = z
  .object({
    requested: z.number().int().openapi({ description: 'Distinct ids in `exclude`.' }),
    unknown: z.number().int().openapi({ description: 'How many of them the model does not know (ignored).' }),
  })
  .openapi('ExcludeInfo');

/** How the `candidates` ids of a request were applied. */
export const CandidatesInfoSchema = z
  .object({
    requested: z.number().int().openapi({ description: 'Distinct ids in `candidates`.' }),
    unknown: z.array(z.string()).openapi({ description: 'The candidate ids the model does not know (not ranked).' }),
  })
  .openapi('CandidatesInfo');

const itemsDoc = { description: 'At most k items, best first (ties: catalogue order).' };

/** `GET /v1/users/{user}/recommendations` response. */
export const RecommendationsSchema = z
  .object({
    user: z.string(),
    k: z.number().int(),
    items: z.array(RecommendedItemSchema).openapi(itemsDoc),
    excludedSeen: z.number().int().openapi({ description: 'How many items were skipped because the user rated them in training.' }),
    seenItems: z.boolean().openapi({
      description: 'Whether the artifact lists seen items; when false nothing was excluded.',
    }),
    coldStart: z.boolean().openapi({
      description: 'True when the model does not know the user and the items are ranked by the fallback.',
    }),
    fallback: z.literal('item-bias').optional().openapi({
      description: 'With `coldStart: true`: how the items were ranked (`item-bias`: by item bias alone, the same for every unknown user).',
    }),
    exclude: ExcludeInfoSchema.optional().openapi({ description: 'Present when the request gave `exclude`.' }),
    candidates: CandidatesInfoSchema.optional().openapi({ description: 'Present when the request gave `candidates`.' }),
  })
  .openapi('Recommendations');

/** `GET /v1/items/{item}/similar` path. */
export const SimilarParamsSchema = z.object({
  item: idSchema('item').openapi({ param: { name: 'item', in: 'path' } }),
});

/** `GET /v1/items/{item}/similar` query. */
export const SimilarQuerySchema = z.object({ k: kQuerySchema });

/** `GET /v1/items/{item}/similar` response. */
export const SimilarItemsSchema = z
  .object({
    item: z.string(),
    k: z.number().int(),
    items: z
      .array(
        z.object({
          item: z.string(),
          similarity: z.number().openapi({ description: 'Cosine similarity of the item embeddings, -1 to 1.', example: 0.83 }),
        }),
      )
      .openapi({ description: 'At most k other items, most similar first (ties: catalogue order); never the item itself.' }),
  })
  .openapi('SimilarItems');

/** `POST /v1/recommendations` body. */
export const FoldInRequestSchema = z
  .object({
    ratings: z
      .array(
        z.object({
          item: idSchema('item'),
          rating: z.number({ error: 'must be a number' }).openapi({
            description: "The user's rating, inside the model's rating scale (see GET /v1/model).",
            example: 4,
          }),
        }),
        { error: required('an array') },
      )
      .min(1, 'must hold at least one rating')
      .max(MAX_FOLD_IN_RATINGS, {
        error: (issue) =>
          `at most ${MAX_FOLD_IN_RATINGS} ratings per request${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}`,
      })
      .openapi({
        description: `The new user's ratings (1 to ${MAX_FOLD_IN_RATINGS}). Unknown items are skipped and listed in \`foldedIn.unknownItems\`; a repeated item keeps its last rating.`,
      }),
    k: kBodySchema,
    exclude: idListBody(MAX_EXCLUDE, excludeDoc).optional(),
    candidates: idListBody(MAX_CANDIDATES, candidatesDoc).optional(),
    l2: z
      .number({ error: 'must be a number' })
      .min(FOLD_IN_L2_MIN, `must be a number from ${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}`)
      .max(FOLD_IN_L2_MAX, `must be a number from ${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}`)
      .default(DEFAULT_FOLD_IN_L2)
      .openapi({
        description: `Ridge regularisation of the fold-in (${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}, default ${DEFAULT_FOLD_IN_L2}): weighs like that many extra ratings pulling the user's vector and bias towards zero, in squared units of the model's [0, 1] target scale. Lower trusts few ratings more; higher moves the ranking towards item bias.`,
        example: DEFAULT_FOLD_IN_L2,
      }),
  })
  .openapi('FoldInRequest');

/** `POST /v1/recommendations` response. */
export const FoldInResponseSchema = z
  .object({
    k: z.number().int(),
    items: z.array(RecommendedItemSchema).openapi({ ...itemsDoc, description: `${itemsDoc.description} Never an item the user rated.` }),
    foldedIn: z.object({
      ratings: z.number().int().openapi({ description: 'Distinct known items whose ratings were used (and excluded from the ranking).' }),
      unknownItems: z.array(z.string()).openapi({ description: 'Rated item ids the model does not know (skipped).' }),
      l2: z.number().openapi({ description: 'The ridge regularisation used.' }),
    }),
    exclude: ExcludeInfoSchema.optional().openapi({ description: 'Present when the request gave `exclude`.' }),
    candidates: CandidatesInfoSchema.optional().openapi({ description: 'Present when the request gave `candidates`.' }),
  })
  .openapi('FoldInRecommendations');

/** A JSON response content entry for createRoute. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error response entry for createRoute. */
export function errorContent(description: string) {
  return jsonContent(ErrorSchema, description);
}
