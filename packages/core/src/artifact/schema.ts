import { z } from 'zod';
import { ACTIVATIONS } from '../activation.js';

/** The artifact's format name. */
export const ARTIFACT_FORMAT = 'edgerec-model';
/**
 * The schema version this build writes and reads.
 *
 * Still 1 after the 'f16-base64' and 'int8-base64' table encodings were added: a new encoding
 * value is a backward-compatible addition. Every version-1 file written before stays readable
 * here unchanged, and a reader that predates an encoding rejects it cleanly rather than
 * misreading it: the table schema is a zod discriminated union on `encoding`, so an old build
 * fails with ArtifactError code 'schema' and a message naming the field and the encodings it
 * knows, e.g. `items.factors.encoding: Invalid discriminator value. Expected 'f32-base64' | 'json'`
 * (checked against the previous build). Bumping the version would buy nothing but a vaguer
 * error ("has artifact version 2") and would make the f32 files this build still writes by
 * default unreadable by old readers for no reason. Bump it only for a change old readers would
 * silently misinterpret (a field whose meaning changes) or that removes something.
 */
export const ARTIFACT_VERSION = 1;

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

/** The artifact JSON schema (version 1). */
export const artifactSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(ARTIFACT_VERSION),
  createdAt: z.string(),
  model: z.object({
    dim: z.number().int().positive(),
    activation: z.enum(ACTIVATIONS),
    globalBias: finite,
  }),
  scale: z.object({ min: finite, max: finite, targetMin: finite, targetMax: finite }),
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
  seen: z
    .object({ encoding: z.literal('csr-varint-delta-base64'), pairs: count, data: z.string() })
    .optional(),
  training: z.object({
    data: z.object({ file: z.string(), sha256: z.string(), format: z.string(), ratings: count }),
    seed: z.number().int(),
    epochs: count,
    bestEpoch: count,
    stoppedEarly: z.boolean(),
    backend: z.string(),
    seconds: finite,
    hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    metrics: z.object({ validation: metricsSchema.optional(), test: metricsSchema.optional() }),
    history: z.array(epochSchema),
  }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
});

/** The artifact as JSON (what the file holds). */
export type ArtifactJson = z.infer<typeof artifactSchema>;
/** Evaluation figures stored in the artifact. */
export type ArtifactMetrics = z.infer<typeof metricsSchema>;
/** One epoch of training history. */
export type EpochRecord = z.infer<typeof epochSchema>;
/** Training metadata stored in the artifact. */
export type TrainingInfo = ArtifactJson['training'];
