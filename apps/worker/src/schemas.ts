/**
 * The pieces the routes share (routes/*.ts hold each route's own request and response schemas):
 * ids, k, thresholds, id lists and `order`, the error body, the items and scores the domain modules
 * build (their types are the schemas' z.infer), and the route response helpers.
 */
import * as z from 'zod';
import { ERROR_CODES } from './errors';
import { jsonResponse } from './openapi/route';
import {
  K_DEFAULT,
  K_MAX,
  K_MIN,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_ID_LENGTH,
  MAX_INTERACTION_WEIGHT,
  NPROBE_DEFAULT,
  NPROBE_MAX,
  NPROBE_MIN,
  RERANK_POOL_FACTOR,
  RERANK_POOL_MIN,
} from './limits';

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

export const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

export const idSchema = (kind: 'user' | 'item') =>
  z
    .string({ error: required('a string') })
    .min(1, 'must not be empty')
    .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
    .meta({
      description: `The ${kind}'s id as it appears in the training data.`,
      example: kind === 'user' ? '42' : '318',
    });

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
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value),
    schema,
  );

export const thresholdQuerySchema = queryNumber(z.number({ error: 'must be a number' })).meta(thresholdDoc);
export const thresholdBodySchema = z.number({ error: 'must be a number' }).meta(thresholdDoc);

/** The body of every error response. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ example: 'unknown_user' }),
      message: z.string().meta({ example: 'unknown user "9999" (the model knows 610 users)' }),
      reason: z.string().optional().meta({
        description:
          'A failed `POST /admin/reload` only: the ArtifactError code or source reason (e.g. `checksum`, `pointer-missing`).',
      }),
    }),
  })
  .meta({ id: 'Error' });

/** One scored pair. */
export const ScoreSchema = z
  .object({
    user: z.string(),
    item: z.string(),
    rating: z.number().meta({ description: 'Predicted rating, clipped to the rating scale.', example: 4.12 }),
    unclippedRating: z.number().meta({
      description:
        "The same prediction before clipping to the rating scale (may lie outside it); tells apart pairs whose `rating` ties at the scale's ends.",
      example: 4.12,
    }),
    raw: z.number().meta({ description: 'The model output before unscaling.', example: 0.78 }),
    recommend: z.boolean().meta({ description: 'Whether rating >= threshold.' }),
    threshold: z.number().meta({ example: 3.5 }),
  })
  .meta({ id: 'Score', description: 'A pair scored by a rating model.' });

/** One pair scored by an interaction model: a score, never a rating. */
export const InteractionScoreSchema = z
  .object({
    user: z.string(),
    item: z.string(),
    score: z.number().meta({
      description:
        "The model's output for the pair: a ranking score (iALS: a predicted preference around 0 to 1, not a probability), not a rating.",
      example: 0.41,
    }),
    probability: z.number().optional().meta({
      description: 'Sigmoid heads only: the same number, which is then the probability that the user interacts.',
    }),
    recommend: z.boolean().meta({
      description:
        'Whether score >= threshold. With the artifact\'s threshold this means about "the item would be in this user\'s top 10".',
    }),
    threshold: z.number().meta({ example: 0.3 }),
  })
  .meta({ id: 'InteractionScore', description: 'A pair scored by an interaction model.' });

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
  .meta({ id: 'PairError' });

const kMessage = `must be an integer from ${K_MIN} to ${K_MAX}`;

/** `k` as a query parameter: an integer from K_MIN to K_MAX, default K_DEFAULT. */
export const kQuerySchema = queryInteger(
  z.number({ error: kMessage }).int(kMessage).min(K_MIN, kMessage).max(K_MAX, kMessage),
)
  .default(K_DEFAULT)
  .meta({ description: `How many items to return (${K_MIN} to ${K_MAX}).`, example: K_DEFAULT });

const nprobeMessage = `must be an integer from ${NPROBE_MIN} to ${NPROBE_MAX}`;
const nprobeDoc = {
  description: `ITEM_INDEX=ivf: how many lists of the IVF index to search (${NPROBE_MIN} to ${NPROBE_MAX}, at most the index's lists; default: the nprobe stored when the index was built, else ${NPROBE_DEFAULT}). More lists find more of the exact top k and cost more CPU; ignored by the other modes.`,
  example: 16,
};

/** `nprobe` as a query parameter (ITEM_INDEX=ivf). */
export const nprobeQuerySchema = queryInteger(
  z.number({ error: nprobeMessage }).int(nprobeMessage).min(NPROBE_MIN, nprobeMessage).max(NPROBE_MAX, nprobeMessage),
)
  .optional()
  .meta(nprobeDoc);

/** `nprobe` in a JSON body (ITEM_INDEX=ivf). */
export const nprobeBodySchema = z
  .number({ error: nprobeMessage })
  .int(nprobeMessage)
  .min(NPROBE_MIN, nprobeMessage)
  .max(NPROBE_MAX, nprobeMessage)
  .optional()
  .meta(nprobeDoc);

/** `k` in a JSON body. */
export const kBodySchema = z
  .number({ error: kMessage })
  .int(kMessage)
  .min(K_MIN, kMessage)
  .max(K_MAX, kMessage)
  .default(K_DEFAULT)
  .meta({ description: `How many items to return (${K_MIN} to ${K_MAX}).`, example: K_DEFAULT });

/**
 * A comma-separated list of item ids in one query parameter: empty entries are dropped, repeated
 * ids counted once (first occurrence kept), each id at most MAX_ID_LENGTH characters, at most
 * `max` ids. An id cannot contain a comma in this form.
 */
export const idListQuery = (max: number, description: string, example: string) =>
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
        ctx.addIssue({
          code: 'custom',
          input: text,
          message: `id ${long + 1} is longer than ${MAX_ID_LENGTH} characters`,
        });
        return z.NEVER;
      }
      return ids;
    })
    .meta({ type: 'string', description, example });

const weightMessage = `must be a number greater than 0 and at most ${MAX_INTERACTION_WEIGHT}`;

/** An optional interaction weight in a JSON body (a fold-in item, an event): above 0, at most MAX_INTERACTION_WEIGHT. */
export const interactionWeightSchema = (description: string, example: number) =>
  z
    .number({ error: weightMessage })
    .positive(weightMessage)
    .max(MAX_INTERACTION_WEIGHT, weightMessage)
    .optional()
    .meta({ description, example });

/** A list of item ids in a JSON body (repeated ids counted once). */
export const idListBody = (max: number, description: string) =>
  z
    .array(idSchema('item'), { error: 'must be an array of item ids' })
    .max(max, {
      error: (issue) => `at most ${max} ids${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}`,
    })
    .transform(distinct)
    .meta({ description });

/** The ids of `ids` without repeats, in first-seen order. */
function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

export const excludeDoc = `Item ids never to return (at most ${MAX_EXCLUDE}). Unknown ids are ignored and counted in \`exclude.unknown\`.`;
export const candidatesDoc = `Rank only these item ids (at most ${MAX_CANDIDATES}; re-ranking), in any order. Unknown ids are listed in \`candidates.unknown\`; fewer than k items come back when fewer candidates are eligible.`;

export const orderDoc =
  `For a rating model with a ranking head: \`score\` (default) ranks by the ranking head; \`rating\` takes the ranking head's best max(${RERANK_POOL_FACTOR}k, ${RERANK_POOL_MIN}) items and re-ranks them by the rating head's predicted rating (for an unknown user: the most popular ones, by item-bias rating). ` +
  'Other rating models always rank by their rating head (both values give the same answer); an interaction model answers 400 to `rating`.';
export const orderSchema = () =>
  z.enum(RANK_ORDERS, { error: 'must be "score" or "rating"' }).meta({ description: orderDoc, example: 'score' });

/** One ranked item. */
export const RecommendedItemSchema = z
  .object({
    item: z.string(),
    score: z.number().optional().meta({
      description:
        "The ranking head's output for the pair: a ranking score, not a rating. Interaction models, and rating models with a ranking head.",
      example: 0.52,
    }),
    probability: z
      .number()
      .optional()
      .meta({ description: 'Sigmoid ranking heads only: the same number as `score`, a probability.' }),
    rating: z.number().optional().meta({
      description: "Rating models only: the rating head's predicted rating, clipped to the rating scale.",
      example: 4.42,
    }),
    unclippedRating: z.number().optional().meta({
      description:
        "Rating models only: the same prediction before clipping to the rating scale (may lie outside it). Tells apart items whose `rating` ties at the scale's ends (a rating head ranks by it).",
      example: 4.42,
    }),
    raw: z
      .number()
      .optional()
      .meta({ description: "Rating models only: the rating head's output before unscaling.", example: 0.86 }),
    popularity: z.number().optional().meta({
      description: 'Cold start by popularity only: how many training users interacted with the item.',
      example: 1203,
    }),
  })
  .meta({
    id: 'RecommendedItem',
    description:
      'An item and its scores: `{ item, rating, unclippedRating, raw }` from a rating model, `{ item, score, rating, unclippedRating, raw }` from a rating model with a ranking head, `{ item, score, probability? }` from an interaction model; a cold-start item by popularity has `popularity` (and, from a rating model, the item-bias `rating`, `unclippedRating` and `raw`).',
  });

/** How the `exclude` ids of a request were applied. */
export const ExcludeInfoSchema = z
  .object({
    requested: z.number().int().meta({ description: 'Distinct ids in `exclude`.' }),
    unknown: z.number().int().meta({ description: 'How many of them the model does not know (ignored).' }),
  })
  .meta({ id: 'ExcludeInfo' });

/** How the `candidates` ids of a request were applied. */
export const CandidatesInfoSchema = z
  .object({
    requested: z.number().int().meta({ description: 'Distinct ids in `candidates`.' }),
    unknown: z.array(z.string()).meta({ description: 'The candidate ids the model does not know (not ranked).' }),
  })
  .meta({ id: 'CandidatesInfo' });

/** A JSON response entry of a route: the body's schema and what it means. */
export const jsonContent = jsonResponse;

/** An error response entry of a route (the `Error` body). */
export function errorContent(description: string) {
  return jsonResponse(ErrorSchema, description);
}

/** Name of the bearer security scheme of the admin routes (ADMIN_TOKEN) in the OpenAPI document. */
export const ADMIN_TOKEN_SCHEME = 'adminToken';

/** `security` of an admin route: the ADMIN_TOKEN bearer scheme. */
export const ADMIN_SECURITY = [{ [ADMIN_TOKEN_SCHEME]: [] }];

/** Name of the bearer security scheme of the event routes (EVENTS_TOKEN) in the OpenAPI document. */
export const EVENTS_TOKEN_SCHEME = 'eventsToken';

/** `security` of an event-writing route: the EVENTS_TOKEN bearer scheme. */
export const EVENTS_SECURITY = [{ [EVENTS_TOKEN_SCHEME]: [] }];

/**
 * The `4XX` entry of a route that answers no client error of its own: every 4xx of the API
 * (404 `not_found` / 405 `method_not_allowed` around it) has the Error shape.
 */
export const CLIENT_ERROR = errorContent(
  'Any client error: the `Error` shape (this operation answers none of its own; 405 `method_not_allowed` for another method on its path).',
);

/** An item similar to another (`GET /v1/items/{item}/similar`). */
export const SimilarItemSchema = z.object({
  item: z.string(),
  similarity: z.number().meta({ description: 'Cosine similarity of the item embeddings, -1 to 1.', example: 0.83 }),
});

/** A pair scored by a rating model, as the API returns it. */
export type Score = z.infer<typeof ScoreSchema>;
/** A pair scored by an interaction model: a ranking score, never a rating. */
export type InteractionScore = z.infer<typeof InteractionScoreSchema>;
/** A scored pair of either kind of model. */
export type PairScore = Score | InteractionScore;
/** A pair whose id is unknown, as a batch result entry. */
export type PairError = z.infer<typeof PairErrorSchema>;
/** One ranked item, as the API returns it (which fields are present: see src/ranking.ts). */
export type RecommendedItem = z.infer<typeof RecommendedItemSchema>;
/** An item similar to another, as the API returns it. */
export type SimilarItemResult = z.infer<typeof SimilarItemSchema>;
