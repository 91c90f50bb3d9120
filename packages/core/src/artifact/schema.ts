import * as z from 'zod';
import { ACTIVATIONS } from '../activation.js';
import { CONFIDENCE_MODES } from '../ials/confidence.js';
import { OBJECTIVES } from '../objective.js';
import { MAX_DIM, MAX_IVF_LISTS } from '../limits.js';

/** The artifact's format name. */
export const ARTIFACT_FORMAT = 'edgerec-model';
/**
 * The schema version this build writes. Version 2 added the model's objective (rating or
 * interaction), an optional interaction head next to a rating head, item popularity, the iALS
 * fold-in parameters, and ranking metrics; a version-1 reader would misread an interaction model
 * as a rating model, so the version was bumped. Version-1 files stay readable
 * ({@link READABLE_VERSIONS}): they are rating models with none of the new fields.
 *
 * A new table encoding, by contrast, is a backward-compatible addition (the table schema is a
 * zod discriminated union on `encoding`, so an old reader rejects an unknown one cleanly with a
 * message naming the field and the encodings it knows).
 */
export const ARTIFACT_VERSION = 2;

/** Every artifact version this build reads. */
export const READABLE_VERSIONS = [1, 2] as const;

const finite = z.number().finite();
const count = z.number().int().nonnegative();

const tableSchema = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('f32-base64'), length: count, data: z.string() }),
  z.object({ encoding: z.literal('json'), length: count, data: z.array(z.number()) }),
  /** Little-endian IEEE half floats, decoded to float32 at load. */
  z.object({ encoding: z.literal('f16-base64'), length: count, data: z.string() }),
  /**
   * Per-row symmetric int8: `data` holds `length` int8 values, `scales` one little-endian
   * float32 per row (length / rowLength rows); value k of row r is data[r·rowLength + k] · scales[r].
   * Written for factor tables only (rowLength = dim); bias tables then use 'f32-base64'.
   */
  z.object({
    encoding: z.literal('int8-base64'),
    length: count,
    rowLength: z.number().int().positive(),
    data: z.string(),
    scales: z.string(),
  }),
]);

const sideSchema = z.object({
  /** Raw ids in index order. */
  ids: z.array(z.string()),
  /** Row-major factor table, ids.length × dim. */
  factors: tableSchema,
  /** One bias per id. */
  bias: tableSchema,
});

const metricsSchema = z.object({
  rmse: finite,
  mae: finite,
  /** Rows evaluated. */
  count,
  /** Rows whose user or item was unseen in training, scored by the bias fallback. */
  coldStart: count.optional(),
  /** Mean squared error on the model's target scale (the training loss). */
  loss: finite.optional(),
});

const epochSchema = z.object({
  epoch: z.number().int().positive(),
  loss: finite,
  valLoss: finite,
  rmse: finite,
  valRmse: finite,
  seconds: finite,
});

const nonNegative = finite.nonnegative();
const headModelSchema = z.object({
  dim: z.number().int().positive().max(MAX_DIM),
  activation: z.enum(ACTIVATIONS),
  globalBias: finite,
});
const scaleSchema = z.object({ min: finite, max: finite, targetMin: finite, targetMax: finite });

/** Top-K ranking figures (relevant = every held-out item, or those rated at least `threshold`). */
const rankingMetricsSchema = z.object({
  k: z.number().int().positive(),
  precision: finite,
  recall: finite,
  ndcg: finite,
  map: finite,
  hitRate: finite,
  coverage: finite,
  /** Users ranked. */
  users: count,
});

const trainingMetricsSchema = z.object({
  validation: metricsSchema.optional(),
  test: metricsSchema.optional(),
  /** Ranking figures of the head that ranks (version 2). */
  ranking: z.object({ validation: rankingMetricsSchema.optional(), test: rankingMetricsSchema.optional() }).optional(),
});

/** One epoch (gradient training) or sweep (iALS); rating heads record the losses and RMSEs, interaction heads a validation NDCG. */
const historySchema = z.object({
  epoch: z.number().int().positive(),
  loss: finite,
  seconds: finite,
  valLoss: finite.optional(),
  rmse: finite.optional(),
  valRmse: finite.optional(),
  valNdcg: finite.optional(),
});

/** The closed-form iALS fold-in of a new user: the training objective's constants and the item Gramian. */
const foldInSchema = z.object({
  method: z.literal('ials'),
  unobservedWeight: nonNegative,
  l2: nonNegative,
  regExponent: nonNegative,
  confidence: z.object({ mode: z.enum(CONFIDENCE_MODES), alpha: nonNegative }),
  /** QᵀQ of the stored item table, dim × dim row-major ('f32-base64' or 'json'). */
  gramian: tableSchema,
});

/** An interaction head stored beside a rating head: the same ids, its own tables. */
const rankingHeadSchema = z.object({
  objective: z.literal('interaction'),
  model: headModelSchema,
  /** A score at or above this means "recommend" for this head. */
  recommendThreshold: finite,
  users: z.object({ factors: tableSchema, bias: tableSchema }),
  items: z.object({ factors: tableSchema, bias: tableSchema }),
  foldIn: foldInSchema.optional(),
  training: z.object({
    method: z.string(),
    seconds: finite,
    hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  }),
});

/** The k-means variants an IVF index can be built with (see ann/ivf-build.ts). */
export const IVF_KMEANS = ['spherical', 'euclidean'] as const;

/**
 * An inverted-file (IVF) index over the items of the head that ranks (`ranking` when present,
 * else the model), over the (dim + 1)-wide item vectors [v_i, itemBias[i]] (ann/ivf.ts):
 * `lists` centroids, and each item in exactly one list. Its own `version` lets its layout change
 * without a new artifact version; a reader that does not know the field ignores it and ranks
 * exactly.
 */
const ivfSchema = z.object({
  kind: z.literal('ivf'),
  version: z.literal(1),
  /** Number of lists (centroids), 1 to MAX_IVF_LISTS and at most the item count (checked in bounds.ts). */
  lists: count,
  /** Row-major centroids, lists × (dim + 1) ('f32-base64' or 'json'). */
  centroids: tableSchema,
  /** Items in each list; they sum to the item count. */
  sizes: z.array(count).max(MAX_IVF_LISTS),
  /** Item indices list after list: base64 of little-endian uint32, one per item. */
  items: z.object({ encoding: z.literal('u32-base64'), length: count, data: z.string() }),
  /** How it was built: k-means variant, seed, iterations run, points trained on, seconds. */
  /** The nprobe a request without one uses: the smallest that reached `recall`@k on `users` sampled users at build time. */
  probe: z.object({ nprobe: count, recall: finite, k: z.number().int().positive(), users: count }).optional(),
  build: z.object({
    kmeans: z.enum(IVF_KMEANS),
    seed: z.number().int(),
    iterations: count,
    sample: count,
    seconds: finite,
  }),
});

const trainingSchema = z.object({
  data: z.object({
    file: z.string(),
    sha256: z.string(),
    format: z.string(),
    ratings: count,
    /** Event files merged into the training file (`train --events`): their names and how many events they held. */
    events: z.object({ files: z.array(z.string()).max(10_000), count }).optional(),
  }),
  seed: z.number().int(),
  epochs: count,
  bestEpoch: count,
  stoppedEarly: z.boolean(),
  backend: z.string(),
  seconds: finite,
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  metrics: trainingMetricsSchema,
  history: z.array(historySchema),
});

/**
 * An Ed25519 signature over the artifact's sha256 (see signature.ts): who signed (`keyId`, the
 * first 16 hex digits of the sha256 of the raw public key) and the 64-byte signature in base64.
 * Like `sha256`, it is outside the hashed content, so signing does not change the hash.
 */
const signatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits'),
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be the base64 of a 64-byte Ed25519 signature'),
});

/** The version-1 artifact JSON schema (rating models only); read and upgraded in memory. */
export const artifactSchemaV1 = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(1),
  createdAt: z.string(),
  model: headModelSchema,
  scale: scaleSchema,
  recommendThreshold: finite,
  stats: z.object({
    ratings: count,
    users: count,
    items: count,
    /** Mean training rating in rating units. */
    globalMean: finite,
  }),
  users: sideSchema,
  items: sideSchema,
  seen: z.object({ encoding: z.literal('csr-varint-delta-base64'), pairs: count, data: z.string() }).optional(),
  training: trainingSchema.extend({ history: z.array(epochSchema) }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  signature: signatureSchema.optional(),
});

/** The artifact JSON schema (version 2). */
export const artifactSchema = z
  .object({
    format: z.literal(ARTIFACT_FORMAT),
    version: z.literal(ARTIFACT_VERSION),
    createdAt: z.string(),
    /** What the main head predicts. */
    objective: z.enum(OBJECTIVES),
    model: headModelSchema,
    /** The rating scale (rating models; absent for interaction models, whose output is a score). */
    scale: scaleSchema.optional(),
    /** A predicted rating (rating model) or score (interaction model) at or above this means "recommend". */
    recommendThreshold: finite,
    stats: z.object({
      /** Training rows the served model learned from: ratings, or (user, item) interactions. */
      ratings: count,
      users: count,
      items: count,
      /** Mean training rating in rating units (rating models). */
      globalMean: finite.optional(),
    }),
    users: sideSchema,
    items: sideSchema.extend({
      /** Per item, the training users who interacted with it (f32 or json): the cold-start ranking. */
      popularity: tableSchema.optional(),
    }),
    foldIn: foldInSchema.optional(),
    ranking: rankingHeadSchema.optional(),
    /** An IVF index over the ranking head's items (`edgerec index build`). */
    ivf: ivfSchema.optional(),
    seen: z.object({ encoding: z.literal('csr-varint-delta-base64'), pairs: count, data: z.string() }).optional(),
    training: trainingSchema,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    signature: signatureSchema.optional(),
  })
  .superRefine((artifact, context) => {
    if (artifact.objective === 'rating') {
      if (!artifact.scale)
        context.addIssue({ code: 'custom', path: ['scale'], message: 'a rating model needs its rating scale' });
      if (artifact.stats.globalMean === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['stats', 'globalMean'],
          message: 'a rating model needs its global mean',
        });
      }
    } else if (artifact.ranking) {
      context.addIssue({
        code: 'custom',
        path: ['ranking'],
        message: 'only a rating model has a separate ranking head',
      });
    }
  });

/** The artifact as JSON (what a version-2 file holds). */
export type ArtifactJson = z.infer<typeof artifactSchema>;
/** A version-1 artifact as JSON. */
export type ArtifactJsonV1 = z.infer<typeof artifactSchemaV1>;
/** Rating-accuracy figures stored in the artifact. */
export type ArtifactMetrics = z.infer<typeof metricsSchema>;
/** Ranking figures stored in the artifact. */
export type ArtifactRankingMetrics = z.infer<typeof rankingMetricsSchema>;
/** One epoch of a rating model's training history. */
export type EpochRecord = z.infer<typeof epochSchema>;
/** One epoch or sweep of training history as stored (rating or interaction head). */
export type HistoryRecord = z.infer<typeof historySchema>;
/** Training metadata stored in the artifact. */
export type TrainingInfo = ArtifactJson['training'];
/** The fold-in parameters as stored. */
export type FoldInJson = z.infer<typeof foldInSchema>;
/** An artifact's signature as stored. */
export type ArtifactSignatureJson = z.infer<typeof signatureSchema>;
/** An interaction head stored beside a rating head. */
export type RankingHeadJson = z.infer<typeof rankingHeadSchema>;
/** An IVF index as stored. */
export type IvfIndexJson = z.infer<typeof ivfSchema>;
