import { createRoute } from '@hono/zod-openapi';
import type { App } from '../app-env';
import type { ModelStore } from '../model-store';
import { K_MAX, K_MIN } from '../limits';
import { SimilarItemsSchema, SimilarParamsSchema, SimilarQuerySchema, errorContent, jsonContent } from '../schemas';
import { similarTo } from '../scoring';

const similarRoute = createRoute({
  method: 'get',
  path: '/v1/items/{item}/similar',
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
export function registerItemRoutes(app: App, deps: { models: ModelStore }): void {
  app.openapi(similarRoute, async (c) => {
    const { item } = c.req.valid('param');
    const { k } = c.req.valid('query');
    const { model } = c.get('model');
    return c.json({ item, k, items: similarTo(model, item, k) }, 200);
  });
}
