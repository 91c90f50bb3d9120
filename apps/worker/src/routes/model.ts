import { createRoute } from '@hono/zod-openapi';
import type { ArtifactMetrics } from '@edgerec/core';
import type { App } from '../app-env';
import { servedInfo } from '../model-source';
import type { ModelStore } from '../model-store';
import { ModelInfoSchema, errorContent, jsonContent } from '../schemas';
import { defaultThreshold } from '../threshold';

const modelRoute = createRoute({
  method: 'get',
  path: '/v1/model',
  tags: ['Model'],
  summary: 'Describe the served model',
  description:
    'Format, checksum, shape, rating scale, recommend threshold and training metrics of the served artifact, and `served`: the version this isolate serves and where it was loaded from (bundled or R2).',
  responses: {
    200: jsonContent(ModelInfoSchema, 'The served model.'),
    503: errorContent('No model could be loaded (`model_unavailable`).'),
  },
});

/** Registers `GET /v1/model`. */
export function registerModelRoutes(app: App, deps: { models: ModelStore }): void {
  app.openapi(modelRoute, async (c) => {
    const served = c.get('model');
    const { model, meta } = served;
    const threshold = defaultThreshold(model, c.env?.RECOMMEND_THRESHOLD);
    const { training } = meta;
    return c.json(
      {
        format: meta.format,
        version: meta.version,
        sha256: meta.sha256,
        createdAt: meta.createdAt,
        dim: model.dim,
        activation: model.activation,
        counts: { users: model.users.size, items: model.items.size, ratings: meta.stats.ratings },
        scale: { min: model.scale.min, max: model.scale.max },
        recommendThreshold: { ...threshold, artifact: model.recommendThreshold },
        metrics: { validation: accuracy(training.metrics.validation), test: accuracy(training.metrics.test) },
        training: {
          epochs: training.epochs,
          bestEpoch: training.bestEpoch,
          backend: training.backend,
          seconds: training.seconds,
        },
        seenItems: model.seen !== undefined,
        served: servedInfo(served),
      },
      200,
    );
  });
}

function accuracy(metrics: ArtifactMetrics | undefined) {
  return metrics ? { rmse: metrics.rmse, mae: metrics.mae, count: metrics.count } : null;
}
