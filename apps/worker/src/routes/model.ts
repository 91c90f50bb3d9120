import {
  ACTIVATIONS,
  OBJECTIVES,
  type ArtifactMeta,
  type ArtifactMetrics,
  type ArtifactRankingMetrics,
} from '@edgerec/core';
import * as z from 'zod';
import { defineRoute } from '../openapi/route';
import type { App } from '../app-env';
import { COLD_START_RANKINGS, FOLD_IN_KINDS, capabilitiesOf } from '../model-capabilities';
import { SignatureInfoSchema, signatureInfo } from '../model-signature';
import { ServedInfoSchema, servedInfo } from '../model-source';
import { CLIENT_ERROR, errorContent, jsonContent } from '../schemas';
import { defaultThreshold } from '../threshold';

const metricsSchema = z.object({ rmse: z.number(), mae: z.number(), count: z.number().int() }).nullable().meta({
  description:
    'Accuracy on the split, in rating units; null when the trainer did not evaluate it (always for an interaction model).',
});

const rankingMetricsSchema = z
  .object({
    k: z.number().int().meta({ description: 'The cut-off: figures are @k.' }),
    precision: z.number(),
    recall: z.number(),
    ndcg: z.number(),
    map: z.number(),
    hitRate: z.number(),
    coverage: z.number().meta({ description: 'Share of the catalogue recommended to at least one user.' }),
    users: z.number().int().meta({ description: 'Users ranked.' }),
  })
  .nullable()
  .meta({
    description:
      'Top-k figures of the head that ranks, on the split; null when the trainer did not compute them (every version-1 artifact).',
  });

/** The interaction head stored beside a rating head, as `GET /v1/model` describes it. */
export const RankingHeadInfoSchema = z
  .object({
    objective: z.literal('interaction'),
    dim: z.number().int(),
    activation: z.enum(ACTIVATIONS),
    method: z.string().meta({ description: 'How the head was trained (e.g. "ials").', example: 'ials' }),
    recommendThreshold: z.number().meta({
      description:
        "The head's own threshold, in its score units (not used by /v1/score, which scores with the rating head).",
    }),
  })
  .meta({ id: 'RankingHeadInfo' });

/** `GET /v1/model`. */
export const ModelInfoSchema = z
  .object({
    format: z.string().meta({ example: 'edgerec-model' }),
    version: z.number().int().meta({
      description: "The file's artifact schema version (1 or 2; version-1 files are rating models).",
      example: 2,
    }),
    sha256: z.string().meta({ description: "The artifact's content sha256." }),
    createdAt: z.string(),
    objective: z.enum(OBJECTIVES).meta({
      description:
        'What the model predicts: `rating` (pair scores are predicted ratings) or `interaction` (pair scores are ranking scores, never ratings: the model has no rating scale).',
    }),
    dim: z.number().int(),
    activation: z.enum(ACTIVATIONS).meta({
      description:
        'Output activation of the main head. For an interaction model: `linear` (iALS: a predicted preference, not a probability) or `sigmoid` (a probability).',
    }),
    counts: z.object({
      users: z.number().int(),
      items: z.number().int(),
      ratings: z.number().int().meta({
        description:
          'Training rows the model learned from: ratings, or (user, item) interactions for an interaction model.',
      }),
    }),
    scale: z
      .object({ min: z.number(), max: z.number() })
      .nullable()
      .meta({ description: 'The rating scale; null for an interaction model.' }),
    recommendThreshold: z.object({
      value: z.number().meta({
        description:
          'The threshold used when a request does not give one (a rating, or a score for an interaction model).',
      }),
      source: z
        .enum(['artifact', 'env'])
        .meta({ description: '"env" when RECOMMEND_THRESHOLD overrides the artifact.' }),
      artifact: z.number().meta({ description: 'The threshold stored in the artifact.' }),
    }),
    ranking: RankingHeadInfoSchema.nullable().meta({
      description:
        'The interaction head that ranks recommendations of a rating model, stored beside it; null when there is none (the model ranks with its own head).',
    }),
    coldStart: z.enum(COLD_START_RANKINGS).meta({
      description:
        'How an unknown user is ranked: `popularity` (training users per item) or `item-bias` (artifacts without popularity, e.g. version 1).',
    }),
    foldIn: z.enum(FOLD_IN_KINDS).meta({
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
    seenItems: z.boolean().meta({ description: 'Whether the artifact lists the items each user rated in training.' }),
    signature: SignatureInfoSchema.meta({
      description:
        'Whether the artifact is signed, by which key, and whether this Worker verified it (MODEL_PUBLIC_KEYS).',
    }),
    served: ServedInfoSchema.meta({ description: 'The version this isolate serves and where it was loaded from.' }),
  })
  .meta({ id: 'ModelInfo' });

const modelRoute = defineRoute({
  method: 'get',
  path: '/v1/model',
  operationId: 'getModel',
  tags: ['Model'],
  summary: 'Describe the served model',
  description:
    'Format and schema version, checksum, objective (`rating` or `interaction`), shape, rating scale (null for an interaction model), recommend threshold, the ranking head beside a rating head, its signature (`signature`: signed, by which key, verified against MODEL_PUBLIC_KEYS or not), how unknown users are ranked (`coldStart`) and what a new user can be folded in from (`foldIn`), rating and ranking metrics of the served artifact, and `served`: the version this isolate serves and where it was loaded from (bundled or R2).',
  responses: {
    200: jsonContent(ModelInfoSchema, 'The served model.'),
    '4XX': CLIENT_ERROR,
    503: errorContent('No model could be loaded (`model_unavailable`).'),
  },
});

/** Registers `GET /v1/model`. */
export function registerModelRoutes(app: App): void {
  app.openapi(modelRoute, (c, { ok }) => {
    const served = c.get('model');
    const { model, meta } = served;
    const threshold = defaultThreshold(model, c.env?.RECOMMEND_THRESHOLD);
    const capabilities = capabilitiesOf(model);
    const { training } = meta;
    const ranking = training.metrics.ranking;
    return ok({
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
    });
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
