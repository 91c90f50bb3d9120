import { createRoute } from '@hono/zod-openapi';
import type { ArtifactMeta, ArtifactMetrics, ArtifactRankingMetrics } from '@edgerec/core';
import type { App } from '../app-env';
import { capabilitiesOf } from '../model-capabilities';
import { signatureInfo } from '../model-signature';
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
    'Format and schema version, checksum, objective (`rating` or `interaction`), shape, rating scale (null for an interaction model), recommend threshold, the ranking head beside a rating head, its signature (`signature`: signed, by which key, verified against MODEL_PUBLIC_KEYS or not), how unknown users are ranked (`coldStart`) and what a new user can be folded in from (`foldIn`), rating and ranking metrics of the served artifact, and `served`: the version this isolate serves and where it was loaded from (bundled or R2).',
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
    const capabilities = capabilitiesOf(model);
    const { training } = meta;
    const ranking = training.metrics.ranking;
    return c.json(
      {
        format: meta.format,
        version: meta.fileVersion,
        sha256: meta.sha256,
        createdAt: meta.createdAt,
        objective: capabilities.objective,
        dim: model.dim,
        activation: model.activation,
        counts: { users: model.users.size, items: model.items.size, ratings: meta.stats.ratings },
        scale: capabilities.objective === 'rating' ? { min: model.scale.min, max: model.scale.max } : null,
        recommendThreshold: { ...threshold, artifact: model.recommendThreshold },
        ranking: rankingHeadInfo(meta),
        coldStart: capabilities.coldStart,
        foldIn: capabilities.foldIn,
        metrics: {
          validation: accuracy(training.metrics.validation),
          test: accuracy(training.metrics.test),
          ranking: { validation: rankingAccuracy(ranking?.validation), test: rankingAccuracy(ranking?.test) },
        },
        training: {
          epochs: training.epochs,
          bestEpoch: training.bestEpoch,
          backend: training.backend,
          seconds: training.seconds,
        },
        seenItems: model.seen !== undefined,
        signature: signatureInfo(served),
        served: servedInfo(served),
      },
      200,
    );
  });
}

function accuracy(metrics: ArtifactMetrics | undefined) {
  return metrics ? { rmse: metrics.rmse, mae: metrics.mae, count: metrics.count } : null;
}

function rankingAccuracy(metrics: ArtifactRankingMetrics | undefined) {
  if (!metrics) return null;
  const { k, precision, recall, ndcg, map, hitRate, coverage, users } = metrics;
  return { k, precision, recall, ndcg, map, hitRate, coverage, users };
}

/** The ranking head beside a rating head, from the artifact's description of it. */
function rankingHeadInfo(meta: ArtifactMeta) {
  const head = meta.ranking;
  if (!head) return null;
  return {
    objective: head.objective,
    dim: head.model.dim,
    activation: head.model.activation,
    method: head.training.method,
    recommendThreshold: head.recommendThreshold,
  };
}
