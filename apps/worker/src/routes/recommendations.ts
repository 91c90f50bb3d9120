import { DEFAULT_FOLD_IN_L2 } from '@edgerec/core';
import * as z from 'zod';
import { defineRoute } from '../openapi/route';
import type { App } from '../app-env';
import { limitBody } from '../body-limit';
import {
  FOLD_IN_L2_MAX,
  FOLD_IN_L2_MIN,
  K_MAX,
  K_MIN,
  MAX_BODY_BYTES,
  MAX_CANDIDATES,
  MAX_EXCLUDE,
  MAX_FOLD_IN_ITEMS,
  MAX_FOLD_IN_RATINGS,
  MAX_INTERACTION_WEIGHT,
  RERANK_POOL_FACTOR,
  RERANK_POOL_MIN,
} from '../limits';
import { COLD_START_RANKINGS } from '../model-capabilities';
import {
  CandidatesInfoSchema,
  ExcludeInfoSchema,
  RANK_ORDERS,
  RecommendedItemSchema,
  candidatesDoc,
  errorContent,
  excludeDoc,
  idListBody,
  idListQuery,
  idSchema,
  interactionWeightSchema,
  jsonContent,
  kBodySchema,
  kQuerySchema,
  nprobeBodySchema,
  nprobeQuerySchema,
  orderDoc,
  orderSchema,
  required,
} from '../schemas';
import { personalize } from '../events/personalize';
import { storedEvents } from '../events/store';
import { ItemIndexReportSchema } from '../vectorize/report';
import { eventsProbe, recommendForNewUser, recommendForUser } from '../vectorize/recommend';

/** `GET /v1/users/{user}/recommendations` path. */
export const RecommendationsParamsSchema = z.object({
  user: idSchema('user'),
});

/** `GET /v1/users/{user}/recommendations` query. */
export const RecommendationsQuerySchema = z.object({
  k: kQuerySchema,
  exclude: idListQuery(MAX_EXCLUDE, `${excludeDoc} Comma-separated.`, 'item-3,item-9').optional(),
  candidates: idListQuery(MAX_CANDIDATES, `${candidatesDoc} Comma-separated.`, 'item-1,item-2,item-5').optional(),
  coldStart: z.enum(['fallback', 'error'], { error: 'must be "fallback" or "error"' }).default('fallback').meta({
    description:
      'What an unknown user gets: `fallback` (default) ranks items by popularity (or by item bias when the artifact stores no popularity) and flags the response `coldStart: true`; `error` answers 404 `unknown_user`.',
    example: 'fallback',
  }),
  order: orderSchema().default('score'),
  nprobe: nprobeQuerySchema,
});

const itemsDoc = { description: 'At most k items, best first (ties: catalogue order).' };
const itemIndexDoc = {
  description:
    'Present when ITEM_INDEX is not `exact`: whether the Vectorize or IVF index chose the candidates, how many, and (IVF) how many lists were probed.',
};

/** How a user's stored events shaped their recommendations. */
export const EventsInfoSchema = z
  .object({
    stored: z.number().int().meta({ description: 'Events stored for the user (POST /v1/events).' }),
    used: z.boolean().meta({
      description:
        'Whether the ranking folded them in (with the items the user had in training): then the items of the events are excluded too, and `coldStart` is false even for a user the model does not know.',
    }),
    items: z.number().int().optional().meta({ description: 'Distinct known items of the events.' }),
    unknownItems: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Distinct items of the events the model does not know (skipped).' }),
    reason: z.string().optional().meta({ description: 'Why the events were not used.' }),
  })
  .meta({ id: 'EventsInfo' });

/** `GET /v1/users/{user}/recommendations` response. */
export const RecommendationsSchema = z
  .object({
    user: z.string(),
    k: z.number().int(),
    items: z.array(RecommendedItemSchema).meta(itemsDoc),
    excludedSeen: z
      .number()
      .int()
      .meta({ description: 'How many items were skipped because the user rated them in training.' }),
    seenItems: z.boolean().meta({
      description: 'Whether the artifact lists seen items; when false nothing was excluded.',
    }),
    coldStart: z.boolean().meta({
      description: 'True when the model does not know the user and the items are ranked by the fallback.',
    }),
    fallback: z.enum(COLD_START_RANKINGS).optional().meta({
      description:
        'With `coldStart: true`: how the items were ranked, the same for every unknown user: `popularity` (most training users first) or `item-bias` (by item bias alone; artifacts without popularity).',
    }),
    order: z.enum(RANK_ORDERS).optional().meta({
      description: 'Rating models with a ranking head only: how the items are ordered (see the `order` parameter).',
    }),
    exclude: ExcludeInfoSchema.optional().meta({ description: 'Present when the request gave `exclude`.' }),
    candidates: CandidatesInfoSchema.optional().meta({ description: 'Present when the request gave `candidates`.' }),
    events: EventsInfoSchema.optional().meta({
      description:
        'Present when events are enabled (EVENTS_TOKEN set) and the user has stored events: how many, and whether the ranking folded them in (and why not).',
    }),
    itemIndex: ItemIndexReportSchema.optional().meta(itemIndexDoc),
  })
  .meta({ id: 'Recommendations' });

const ratingsSchema = z
  .array(
    z.object({
      item: idSchema('item'),
      rating: z.number({ error: 'must be a number' }).meta({
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
  .meta({
    description: `Rating models: the new user's ratings (1 to ${MAX_FOLD_IN_RATINGS}). Unknown items are skipped and listed in \`foldedIn.unknownItems\`; a repeated item keeps its last rating. With an iALS ranking head, the rated items also fold into the head as interactions of weight 1.`,
  });

const interactionSchema = z
  .object({
    item: idSchema('item'),
    weight: interactionWeightSchema(
      `How much the user interacted (a count, a duration; default 1, at most ${MAX_INTERACTION_WEIGHT}). The model's confidence map turns it into the fold-in's weight; a repeated item sums its weights.`,
      3,
    ),
  })
  .meta({ id: 'Interaction' });

const itemsSchema = z
  .array(
    z.union([idSchema('item'), interactionSchema], {
      error: 'must be an item id or an object { "item": id, "weight"?: number }',
    }),
    {
      error: required('an array'),
    },
  )
  .min(1, 'must hold at least one item')
  .max(MAX_FOLD_IN_ITEMS, {
    error: (issue) =>
      `at most ${MAX_FOLD_IN_ITEMS} items per request${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}`,
  })
  .meta({
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
      .meta({
        description:
          `Ridge regularisation of the fold-in (${FOLD_IN_L2_MIN} to ${FOLD_IN_L2_MAX}). With \`ratings\` (default ${DEFAULT_FOLD_IN_L2}, core's DEFAULT_FOLD_IN_L2): weighs like that many extra ratings pulling the user's vector and bias towards zero, in squared units of the model's [0, 1] target scale; lower trusts few ratings more, higher moves the ranking towards item bias. ` +
          "With `items` (default: the λ the head was trained with, reported in the answer's `foldedIn.l2`): the iALS ridge λ on the user's vector. A ranking head folding in rated items always uses its trained λ.",
        example: DEFAULT_FOLD_IN_L2,
      }),
    order: orderSchema()
      .optional()
      .meta({
        description: `${orderDoc} With \`items\` only \`score\` applies (there are no ratings to rank by).`,
      }),
    nprobe: nprobeBodySchema,
  })
  .superRefine((body, context) => {
    if (body.ratings === undefined && body.items === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['ratings'],
        message: 'is required (or send "items": the items the user interacted with)',
      });
    } else if (body.ratings !== undefined && body.items !== undefined) {
      context.addIssue({ code: 'custom', path: ['items'], message: 'give "ratings" or "items", not both' });
    }
  })
  .meta({
    id: 'FoldInRequest',
    description:
      'A new user: `ratings` (rating models) or `items` (models with an iALS interaction fold-in), exactly one of them.',
    oneOf: [{ required: ['ratings'] }, { required: ['items'] }],
  });

/** How the new user was folded in. */
const FoldedInSchema = z.object({
  ratings: z.number().int().optional().meta({
    description: '`ratings` body: distinct known items whose ratings were used (and excluded from the ranking).',
  }),
  items: z
    .number()
    .int()
    .optional()
    .meta({ description: '`items` body: distinct known items folded in (and excluded from the ranking).' }),
  unknownItems: z.array(z.string()).meta({ description: 'Item ids of the body the model does not know (skipped).' }),
  l2: z.number().meta({ description: "The ridge of the fold-in the body's `l2` sets (given or default)." }),
  interactionL2: z.number().optional().meta({
    description:
      "`ratings` on a model with an iALS ranking head: the head's trained ridge, used to fold the rated items into it.",
  }),
});

/** `POST /v1/recommendations` response. */
export const FoldInResponseSchema = z
  .object({
    k: z.number().int(),
    items: z
      .array(RecommendedItemSchema)
      .meta({ ...itemsDoc, description: `${itemsDoc.description} Never an item of the body.` }),
    order: z.enum(RANK_ORDERS).optional().meta({
      description:
        'Rating models with a ranking head only: how the items are ordered (`rating` also when the head cannot fold in the ratings).',
    }),
    foldedIn: FoldedInSchema,
    exclude: ExcludeInfoSchema.optional().meta({ description: 'Present when the request gave `exclude`.' }),
    candidates: CandidatesInfoSchema.optional().meta({ description: 'Present when the request gave `candidates`.' }),
    itemIndex: ItemIndexReportSchema.optional().meta(itemIndexDoc),
  })
  .meta({ id: 'FoldInRecommendations' });

const unavailable = errorContent(
  'No model could be loaded (`model_unavailable`), or the item index cannot serve this model (`item_index_unavailable`: ITEM_INDEX=vectorize without a binding, of another width or with no vectors for this model; ITEM_INDEX=ivf and the artifact carries no IVF index).',
);

const recommendationsRoute = defineRoute({
  method: 'get',
  path: '/v1/users/{user}/recommendations',
  operationId: 'recommendForUser',
  tags: ['Recommendations'],
  summary: 'Top-K items for a user',
  description:
    `The k (${K_MIN} to ${K_MAX}) best items, best first, excluding the items the user rated or interacted with in training when the artifact lists them and the \`exclude\` ids, ` +
    `over the whole catalogue or only over the \`candidates\` ids (re-ranking, at most ${MAX_CANDIDATES}). ` +
    "Items are ranked by the model's ranking head: an interaction model answers `{ item, score, probability? }` (scores, never ratings); a rating model with a ranking head `{ item, score, rating, unclippedRating, raw }` " +
    `(\`order=rating\` re-ranks the head's best max(${RERANK_POOL_FACTOR}k, ${RERANK_POOL_MIN}) by predicted rating); other rating models \`{ item, rating, unclippedRating, raw }\`. ` +
    'An unknown user gets the cold-start fallback, the same for every unknown user: the most popular items (`fallback: "popularity"`, each with its `popularity`) when the artifact stores popularity, else items ranked by item bias (`fallback: "item-bias"`), flagged `coldStart: true` (or 404 with `coldStart=error`).',
  request: { params: RecommendationsParamsSchema, query: RecommendationsQuerySchema },
  responses: {
    200: jsonContent(RecommendationsSchema, 'The ranking.'),
    400: errorContent(
      `\`k\` is not an integer in range, \`exclude\` / \`candidates\` hold more than ${MAX_EXCLUDE} / ${MAX_CANDIDATES} ids or an over-long id, \`coldStart\` is not \`fallback\` / \`error\`, \`order\` is not \`score\` / \`rating\`, \`nprobe\` is not an integer in range, or \`order=rating\` for an interaction model (\`invalid_request\`).`,
    ),
    404: errorContent('With `coldStart=error`: the model does not know the user (`unknown_user`).'),
    503: unavailable,
  },
});

const foldInRoute = defineRoute({
  method: 'post',
  path: '/v1/recommendations',
  operationId: 'recommendForNewUser',
  tags: ['Recommendations'],
  summary: 'Top-K items for a new user, from their ratings or the items they interacted with (fold-in)',
  description:
    'Places a user the model has never seen against the fixed item embeddings, then ranks like GET /v1/users/{user}/recommendations without the items of the body. ' +
    `\`ratings\` (1 to ${MAX_FOLD_IN_RATINGS}; rating models): core's foldInUser solves a vector and bias on the rating head; with an iALS ranking head the rated items also fold into the head (interactions of weight 1), which then ranks, while \`rating\` comes from the rating head. ` +
    `\`items\` (1 to ${MAX_FOLD_IN_ITEMS} ids or \`{ item, weight }\`; models whose ranking head has an iALS fold-in, see GET /v1/model \`foldIn\`): core's foldInInteractions, the exact iALS user solve. ` +
    'Unknown items are skipped and listed in `foldedIn.unknownItems`. ' +
    `Bodies over ${MAX_BODY_BYTES} bytes are refused with 413 \`payload_too_large\`.`,
  middleware: [limitBody()],
  request: {
    body: FoldInRequestSchema,
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
export function registerRecommendationRoutes(app: App): void {
  // recommendForUser / recommendForNewUser rank like ranking.ts / fold-in.ts, through ITEM_INDEX (src/vectorize/).
  // A user with stored events is folded in with them and ranked over every item, or the IVF probe's (src/events/personalize.ts).
  app.openapi(recommendationsRoute, async (c, { params: { user }, query, ok }) => {
    const { k, exclude, candidates, coldStart, order, nprobe } = query;
    const options = { filter: { exclude, candidates }, coldStart, order };
    const served = c.get('model');
    const history = await storedEvents(c.env, user);
    const probe = history && history.length > 0 ? eventsProbe(c.env, served.model, { nprobe }) : undefined;
    const personal =
      history && history.length > 0
        ? personalize(served.model, user, k, history, { ...options, probe: probe?.probe })
        : undefined;
    if (personal?.used) {
      const itemIndex = probe?.report(personal.recommendations.items.length, k);
      return ok({ user, k, ...personal.recommendations, events: personal.events, ...(itemIndex ? { itemIndex } : {}) });
    }
    const result = await recommendForUser(c.env, served, user, k, options, { nprobe });
    return ok({ user, k, ...result, ...(personal ? { events: personal.events } : {}) });
  });

  app.openapi(foldInRoute, async (c, { body, ok }) => {
    const { nprobe, ...request } = body;
    return ok({ k: body.k, ...(await recommendForNewUser(c.env, c.get('model'), request, { nprobe })) });
  });
}
