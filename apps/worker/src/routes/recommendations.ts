import { createRoute } from '@hono/zod-openapi';
import type { App } from '../app-env';
import type { ModelStore } from '../model-store';
import {
  K_MAX,
  K_MIN,
  RecommendationsParamsSchema,
  RecommendationsQuerySchema,
  RecommendationsSchema,
  errorContent,
  jsonContent,
} from '../schemas';
import { recommendFor } from '../scoring';

const recommendationsRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/recommendations',
  tags: ['Recommendations'],
  summary: 'Top-K items for a user',
  description: `The k (${K_MIN} to ${K_MAX}) highest-scoring items over the whole catalogue, best first, excluding the items the user rated in training when the artifact lists them.`,
  request: { params: RecommendationsParamsSchema, query: RecommendationsQuerySchema },
  responses: {
    200: jsonContent(RecommendationsSchema, 'The ranking.'),
    400: errorContent('`k` is not an integer in range (`invalid_request`).'),
    404: errorContent('The model does not know the user (`unknown_user`).'),
    503: errorContent('The bundled artifact could not be loaded (`model_unavailable`).'),
  },
});

/** Registers `GET /v1/users/{user}/recommendations`. */
export function registerRecommendationRoutes(app: App, deps: { models: ModelStore }): void {
  app.openapi(recommendationsRoute, async (c) => {
    const { user } = c.req.valid('param');
    const { k } = c.req.valid('query');
    const { model } = c.get('model');
    return c.json({ user, k, ...recommendFor(model, user, k) }, 200);
  });
}
