import { ACTIVATIONS, DEFAULT_FOLD_IN_L2, OBJECTIVES } from '@edgerec/core';
import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from './errors';
import { COLD_START_RANKINGS, FOLD_IN_KINDS } from './model-capabilities';
import {
  FOLD_IN_L2_MAX,
  FOLD_IN_L2_MIN,
  K_DEFAULT,
  K_MAX,
  K_MIN,
  MAX_BATCH,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_FOLD_IN_ITEMS,
  MAX_FOLD_IN_RATINGS,
  MAX_ID_LENGTH,
  MAX_INTERACTION_WEIGHT,
  RERANK_POOL_FACTOR,
  RERANK_POOL_MIN,
} from './limits';
import { SignatureInfoSchema } from './model-signature';
import { ServedInfoSchema } from './model-source';

// The limits live in src/limits.ts (core's shared ones re-exported there); re-exported here for
// the modules and tests that import them with the schemas.
export {
  FOLD_IN_L2_MAX,
  FOLD_IN_L2_MIN,
  K_DEFAULT,
  K_MAX,
  K_MIN,
  MAX_BATCH,
  MAX_BODY_BYTES,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_FOLD_IN_ITEMS,
  MAX_FOLD_IN_RATINGS,
  MAX_ID_LENGTH,
  MAX_INTERACTION_WEIGHT,
  RERANK_POOL_FACTOR,
  RERANK_POOL_MIN,
} from './limits';

/** How recommendations of a rating model with a ranking head are ordered. */
export const RANK_ORDERS = ['score', 'rating'] as const;
export type RankOrder = (typeof RANK_ORDERS)[number];

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
    "Recommend threshold, in the unit of the model's pair scores: for a rating model a rating inside its rating scale; for an interaction model a score (0 to 1 for a sigmoid head, any finite number for a linear iALS head; the trainer sets the default so that `recommend: true` means about \"would be in this user's top 10\"). Defaults to the artifact's threshold (or the RECOMMEND_THRESHOLD override).",
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
  .openapi({ description: 'Accuracy on the split, in rating units; null when the trainer did not evaluate it (always for an interaction model).' });

const rankingMetricsSchema = z
  .object({
    k: z.number().int().openapi({ description: 'The cut-off: figures are @k.' }),
    precision: z.number(),
    recall: z.number(),
    ndcg: z.number(),
    map: z.number(),
    hitRate: z.number(),
    coverage: z.number().openapi({ description: 'Share of the catalogue recommended to at least one user.' }),
    users: z.number().int().openapi({ description: 'Users ranked.' }),
  })
  .nullable()
  .openapi({ description: 'Top-k figures of the head that ranks, on the split; null when the trainer did not compute them (every version-1 artifact).' });

/** The interaction head stored beside a rating head, as `GET /v1/model` describes it. */
export const RankingHeadInfoSchema = z
  .object({
    objective: z.literal('interaction'),
    dim: z.number().int(),
    activation: z.enum(ACTIVATIONS),
    method: z.string().openapi({ description: 'How the head was trained (e.g. "ials").', example: 'ials' }),
    recommendThreshold: z.number().openapi({ description: "The head's own threshold, in its score units (not used by /v1/score, which scores with the rating head)." }),
  })
  .openapi('RankingHeadInfo');

/** `GET /v1/model`. */
export const ModelInfoSchema = z
  .object({
    format: z.string().openapi({ example: 'edgerec-model' }),
    version: z.number().int().openapi({ description: "The file's artifact schema version (1 or 2; version-1 files are rating models).", example: 2 }),
    sha256: z.string().openapi({ description: 'The artifact\'s content sha256.' }),
    createdAt: z.string(),
    objective: z.enum(OBJECTIVES).openapi({
      description:
        'What the model predicts: `rating` (pair scores are predicted ratings) or `interaction` (pair scores are ranking scores, never ratings: the model has no rating scale).',
    }),
    dim: z.number().int(),
    activation: z.enum(ACTIVATIONS).openapi({
      description: 'Output activation of the main head. For an interaction model: `linear` (iALS: a predicted preference, not a probability) or `sigmoid` (a probability).',
    }),
    counts: z.object({
      users: z.number().int(),
      items: z.number().int(),
      ratings: z.number().int().openapi({ description: 'Training rows the model learned from: ratings, or (user, item) interactions for an interaction model.' }),
    }),
    scale: z
      .object({ min: z.number(), max: z.number() })
      .nullable()
      .openapi({ description: 'The rating scale; null for an interaction model.' }),
    recommendThreshold: z.object({
      value: z.number().openapi({ description: 'The threshold used when a request does not give one (a rating, or a score for an interaction model).' }),
      source: z.enum(['artifact', 'env']).openapi({ description: '"env" when RECOMMEND_THRESHOLD overrides the artifact.' }),
      artifact: z.number().openapi({ description: 'The threshold stored in the artifact.' }),
    }),
    ranking: RankingHeadInfoSchema.nullable().openapi({
      description: 'The interaction head that ranks recommendations of a rating model, stored beside it; null when there is none (the model ranks with its own head).',
    }),
    coldStart: z.enum(COLD_START_RANKINGS).openapi({
      description: 'How an unknown user is ranked: `popularity` (training users per item) or `item-bias` (artifacts without popularity, e.g. version 1).',
    }),
    foldIn: z.enum(FOLD_IN_KINDS).openapi({
      description:
        'What POST /v1/recommendations accepts: `ratings`, `interactions` (an `items` body), both, or `none` (an interaction head not trained with iALS).',
    }),
    metrics: z.object({
      validation: metricsSchema,
      test: metricsSchema,
      ranking: z.object({ validation: rankingMetricsSchema, test: rankingMetricsSchema }),
    }),
    training: z.object({
      epochs: z.number().int(),
      bestEpoch: z.number().int(),
      backend: z.string(),
      seconds: z.number(),
    }),
    seenItems: z.boolean().openapi({ description: 'Whether the artifact lists the items each user rated in training.' }),
    signature: SignatureInfoSchema.openapi({
      description: 'Whether the artifact is signed, by which key, and whether this Worker verified it (MODEL_PUBLIC_KEYS).',
    }),
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
  .openapi('Score', { description: 'A pair scored by a rating model.' });

/** One pair scored by an interaction model: a score, never a rating. */
export const InteractionScoreSchema = z
  .object({
    user: z.string(),
    item: z.string(),
    score: z.number().openapi({
      description: "The model's output for the pair: a ranking score (iALS: a predicted preference around 0 to 1, not a probability), not a rating.",
      example: 0.41,
    }),
    probability: z.number().optional().openapi({ description: 'Sigmoid heads only: the same number, which is then the probability that the user interacts.' }),
    recommend: z.boolean().openapi({
      description: "Whether score >= threshold. With the artifact's threshold this means about \"the item would be in this user's top 10\".",
    }),
    threshold: z.number().openapi({ example: 0.3 }),
  })
  .openapi('InteractionScore', { description: 'A pair scored by an interaction model.' });

/** `GET /v1/score` response: a rating model's or an interaction model's score. */
export const PairScoreSchema = z.union([ScoreSchema, InteractionScoreSchema]);

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
    results: z.array(z.union([ScoreSchema, InteractionScoreSchema, PairErrorSchema])).openapi({
      description: 'One entry per requested pair, in request order: a score (`Score` for a rating model, `InteractionScore` for an interaction model), or an error for an unknown id.',
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

const orderDoc =
  `For a rating model with a ranking head: \`score\` (default) ranks by the ranking head; \`rating\` takes the ranking head's best max(${RERANK_POOL_FACTOR}k, ${RERANK_POOL_MIN}) items and re-ranks them by the rating head's predicted rating (for an unknown user: the most popular ones, by item-bias rating). ` +
  'Other rating models always rank by their rating head (both values give the same answer); an interaction model answers 400 to `rating`.';
const orderSchema = () =>
  z.enum(RANK_ORDERS, { error: 'must be "score" or "rating"' }).openapi({ description: orderDoc, example: 'score' });

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
        'What an unknown user gets: `fallback` (default) ranks items by popularity (or by item bias when the artifact stores no popularity) and flags the response `coldStart: true`; `error` answers 404 `unknown_user`.',
      example: 'fallback',
    }),
  order: orderSchema().default('score'),
});

/** One ranked item. */
export const RecommendedItemSchema = z
  .object({
    item: z.string(),
    score: z.number().optional().openapi({
      description:
        "The ranking head's output for the pair: a ranking score, not a rating. Interaction models, and rating models with a ranking head.",
      example: 0.52,
    }),
    probability: z.number().optional().openapi({ description: 'Sigmoid ranking heads only: the same number as `score`, a probability.' }),
    rating: z.number().optional().openapi({
      description: "Rating models only: the rating head's predicted rating, clipped to the rating scale.",
      example: 4.42,
    }),
    raw: z.number().optional().openapi({ description: "Rating models only: the rating head's output before unscaling.", example: 0.86 }),
    popularity: z.number().optional().openapi({
      description: 'Cold start by popularity only: how many training users interacted with the item.',
      example: 1203,
    }),
  })
  .openapi('RecommendedItem', {
    description:
      'An item and its scores: `{ item, rating, raw }` from a rating model, `{ item, score, rating, raw }` from a rating model with a ranking head, `{ item, score, probability? }` from an interaction model; a cold-start item by popularity has `popularity` (and, from a rating model, the item-bias `rating` and `raw`).',
  });

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
    fallback: z.enum(COLD_START_RANKINGS).optional().openapi({
      description:
        'With `coldStart: true`: how the items were ranked, the same for every unknown user: `popularity` (most training users first) or `item-bias` (by item bias alone; artifacts without popularity).',
    }),
    order: z.enum(RANK_ORDERS).optional().openapi({
      description: 'Rating models with a ranking head only: how the items are ordered (see the `order` parameter).',
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

const ratingsSchema = z
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
    description: `Rating models: the new user's ratings (1 to ${MAX_FOLD_IN_RATINGS}). Unknown items are skipped and listed in \`foldedIn.unknownItems\`; a repeated item keeps its last rating. With an iALS ranking head, the rated items also fold into the head as interactions of weight 1.`,
  });

const weightMessage = `must be a number greater than 0 and at most ${MAX_INTERACTION_WEIGHT}`;

const interactionSchema = z
  .object({
    item: idSchema('item'),
    weight: z
      .number({ error: weightMessage })
      .positive(weightMessage)
      .max(MAX_INTERACTION_WEIGHT, weightMessage)
      .optional()
      .openapi({
        description: `How much the user interacted (a count, a duration; default 1, at most ${MAX_INTERACTION_WEIGHT}). The model's confidence map turns it into the fold-in's weight; a repeated item sums its weights.`,
        example: 3,
      }),
  })
  .openapi('Interaction');

const itemsSchema = z
  .array(z.union([idSchema('item'), interactionSchema], { error: 'must be an item id or an object { "item": id, "weight"?: number }' }), {
    error: required('an array'),
  })
  .min(1, 'must hold at least one item')
  .max(MAX_FOLD_IN_ITEMS, {
    error: (issue) => `at most ${MAX_FOLD_IN_ITEMS} items per request${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}`,
  })
  .openapi({
    description: `Models whose ranking head has an iALS fold-in (GET /v1/model \`foldIn\` includes \`interactions\`): the items the new user interacted with (1 to ${MAX_FOLD_IN_ITEMS}), each an id or \`{ "item": id, "weight": number }\`. Unknown items are skipped and listed in \`foldedIn.unknownItems\`; a repeated item sums its weights.`,
    example: ['item-5', { item: 'item-47', weight: 3 }],
  });

/** `POST /v1/recommendations` body: `ratings` or `items`, not both. */
export const FoldInRequestSchema = z
  .object({
    ratings: ratingsSchema.optional(),
    items: itemsSchema.optional(),
    k: kBodySchema,
    exclude: idListBody(MAX_EXCLUDE, excludeDoc).optional(),
    candidates: idListBody(MAX_CANDIDATES, candidatesDoc).optional(),
    l2: z
      .number({ error: 'must be a number' })
      .min(FOLD_IN_L2_MIN, `must be a number from ${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}`)
      .max(FOLD_IN_L2_MAX, `must be a number from ${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}`)
      .optional()
      .openapi({
        description:
          `Ridge regularisation of the fold-in (${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}). With \`ratings\` (default ${DEFAULT_FOLD_IN_L2}, core's DEFAULT_FOLD_IN_L2): weighs like that many extra ratings pulling the user's vector and bias towards zero, in squared units of the model's [0, 1] target scale; lower trusts few ratings more, higher moves the ranking towards item bias. ` +
          "With `items` (default: the λ the head was trained with, reported in the answer's `foldedIn.l2`): the iALS ridge λ on the user's vector. A ranking head folding in rated items always uses its trained λ.",
        example: DEFAULT_FOLD_IN_L2,
      }),
    order: orderSchema().optional().openapi({
      description: `${orderDoc} With \`items\` only \`score\` applies (there are no ratings to rank by).`,
    }),
  })
  .superRefine((body, context) => {
    if (body.ratings === undefined && body.items === undefined) {
      context.addIssue({ code: 'custom', path: ['ratings'], message: 'is required (or send "items": the items the user interacted with)' });
    } else if (body.ratings !== undefined && body.items !== undefined) {
      context.addIssue({ code: 'custom', path: ['items'], message: 'give "ratings" or "items", not both' });
    }
  })
  .openapi('FoldInRequest', {
    description: 'A new user: `ratings` (rating models) or `items` (models with an iALS interaction fold-in), exactly one of them.',
    oneOf: [{ required: ['ratings'] }, { required: ['items'] }],
  });

/** How the new user was folded in. */
const FoldedInSchema = z.object({
  ratings: z.number().int().optional().openapi({ description: '`ratings` body: distinct known items whose ratings were used (and excluded from the ranking).' }),
  items: z.number().int().optional().openapi({ description: '`items` body: distinct known items folded in (and excluded from the ranking).' }),
  unknownItems: z.array(z.string()).openapi({ description: 'Item ids of the body the model does not know (skipped).' }),
  l2: z.number().openapi({ description: 'The ridge of the fold-in the body\'s `l2` sets (given or default).' }),
  interactionL2: z.number().optional().openapi({
    description: '`ratings` on a model with an iALS ranking head: the head\'s trained ridge, used to fold the rated items into it.',
  }),
});

/** `POST /v1/recommendations` response. */
export const FoldInResponseSchema = z
  .object({
    k: z.number().int(),
    items: z.array(RecommendedItemSchema).openapi({ ...itemsDoc, description: `${itemsDoc.description} Never an item of the body.` }),
    order: z.enum(RANK_ORDERS).optional().openapi({
      description: 'Rating models with a ranking head only: how the items are ordered (`rating` also when the head cannot fold in the ratings).',
    }),
    foldedIn: FoldedInSchema,
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
