import * as z from 'zod';
import { defineRoute } from '../openapi/route';
import type { App } from '../app-env';
import { K_MAX, K_MIN } from '../limits';
import { SimilarItemSchema, errorContent, idSchema, jsonContent, kQuerySchema } from '../schemas';
import { similarTo } from '../scoring';

/** `GET /v1/items/{item}/similar` path. */
export const SimilarParamsSchema = z.object({
  item: idSchema('item'),
});

/** `GET /v1/items/{item}/similar` query. */
export const SimilarQuerySchema = z.object({ k: kQuerySchema });

/** `GET /v1/items/{item}/similar` response. */
export const SimilarItemsSchema = z
  .object({
    item: z.string(),
    k: z.number().int(),
    items: z.array(SimilarItemSchema).meta({
      description: 'At most k other items, most similar first (ties: catalogue order); never the item itself.',
    }),
  })
  .meta({ id: 'SimilarItems' });

const similarRoute = defineRoute({
  method: 'get',
  path: '/v1/items/{item}/similar',
  operationId: 'similarItems',
  tags: ['Items'],
  summary: 'Items similar to an item',
  description: `The k (${K_MIN} to ${K_MAX}) items whose embeddings have the highest cosine similarity to the item's, most similar first, never the item itself.`,
  request: { params: SimilarParamsSchema, query: SimilarQuerySchema },
  responses: {
    200: jsonContent(SimilarItemsSchema, 'The similar items.'),
    400: errorContent('`k` is not an integer in range (`invalid_request`).'),
    404: errorContent('The model does not know the item (`unknown_item`).'),
    503: errorContent('No model could be loaded (`model_unavailable`).'),
  },
});

/** Registers `GET /v1/items/{item}/similar`. */
export function registerItemRoutes(app: App): void {
  app.openapi(similarRoute, (c, { params: { item }, query: { k }, ok }) => {
    const { model } = c.get('model');
    return ok({ item, k, items: similarTo(model, item, k) });
  });
}
