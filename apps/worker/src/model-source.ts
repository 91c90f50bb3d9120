import type { LoadedArtifact } from '@edgerec/core';
import * as z from 'zod';
import { artifactPolicy, readOptions, type ArtifactReadOptions } from './artifact-policy';
import { ModelSourceError } from './load-errors';
import { assertSignedAsRequired } from './model-signature';
import { readR2Artifact, type R2Origin } from './r2-source';

export { describeLoadFailure, ModelSourceError, type LoadFailure, type ModelSourceErrorReason } from './load-errors';

/**
 * Where the served model comes from (see README "Models: bundled or R2"):
 * - `bundled` (default): the artifact bundled at build time (src/bundled-model.ts);
 * - `r2`: an artifact object in the R2 bucket bound as `MODELS`, named by `MODEL_KEY` or, when that
 *   is empty, by the pointer object `MODEL_POINTER_KEY` (default `current.json`) holding
 *   `{ "key": "models/ml100k-v3.json" }`.
 */
export const MODEL_SOURCES = ['bundled', 'r2'] as const;
/** One of {@link MODEL_SOURCES}. */
export type ModelSourceName = (typeof MODEL_SOURCES)[number];

/** Where a served model was read from. */
export type ModelOrigin = { source: 'bundled' } | R2Origin;

/**
 * Loads the artifact bundled with the worker (the default source), or any artifact in tests, with
 * the parse options of the isolate's policy (trusted keys, decoded-size budget).
 */
export type LoadModel = (options: ArtifactReadOptions) => Promise<LoadedArtifact>;

/** A validated artifact as this isolate serves it: the model, its metadata and where it came from. */
export interface ServedModel extends LoadedArtifact {
  origin: ModelOrigin;
  /** When this isolate loaded it (ISO 8601). */
  loadedAt: string;
}

/** The configured source; throws a `bad-config` ModelSourceError for an unknown MODEL_SOURCE. */
export function modelSourceName(env: Env): ModelSourceName {
  const value = (env.MODEL_SOURCE ?? '').trim().toLowerCase();
  if (value === '' || value === 'bundled') return 'bundled';
  if (value === 'r2') return 'r2';
  throw new ModelSourceError(
    'bad-config',
    `MODEL_SOURCE must be "bundled" or "r2", got ${JSON.stringify(env.MODEL_SOURCE)}`,
    false,
  );
}

/**
 * The model loader of the app: reads the configured source and the artifact policy
 * (MODEL_PUBLIC_KEYS, MODEL_MAX_DECODED_MB, MODEL_MAX_OBJECT_MB) on every call (the first
 * request, and every `POST /admin/reload`). `loadBundled` parses the artifact bundled with the
 * worker; whatever it returns must also pass the signature policy.
 */
export function createModelLoader(loadBundled: LoadModel): (env: Env) => Promise<ServedModel> {
  return async (env) => {
    const source = modelSourceName(env);
    const policy = await artifactPolicy(env);
    if (source === 'r2') {
      const { loaded, origin } = await readR2Artifact(env, policy);
      return served(loaded, origin);
    }
    const loaded = await loadBundled(readOptions(policy));
    assertSignedAsRequired(loaded, policy, 'the bundled model');
    return served(loaded, { source: 'bundled' });
  };
}

function served(loaded: LoadedArtifact, origin: ModelOrigin): ServedModel {
  return { ...loaded, origin, loadedAt: new Date().toISOString() };
}

/** The served version as `/v1/model` (field `served`) and `/admin/reload` report it. */
export interface ServedInfo {
  sha256: string;
  createdAt: string;
  source: ModelSourceName;
  key?: string;
  etag?: string;
  pointer?: string | null;
  loadedAt: string;
}

/** The version facts of a served model: sha256, createdAt, source, and the R2 key/etag/pointer when from R2. */
export function servedInfo(model: ServedModel): ServedInfo {
  const { origin } = model;
  const base = {
    sha256: model.meta.sha256,
    createdAt: model.meta.createdAt,
    source: origin.source,
    loadedAt: model.loadedAt,
  };
  return origin.source === 'r2' ? { ...base, key: origin.key, etag: origin.etag, pointer: origin.pointer } : base;
}

/** zod/OpenAPI schema of {@link ServedInfo}, for the `served` field of `ModelInfoSchema`. */
export const ServedInfoSchema = z
  .object({
    sha256: z.string().meta({
      description: "The artifact's content sha256 (its first 12 characters are the x-edgerec-model header).",
    }),
    createdAt: z.string(),
    source: z.enum(MODEL_SOURCES).meta({ description: 'MODEL_SOURCE the model was loaded from.' }),
    key: z.string().optional().meta({ description: 'R2 object key of the artifact (source "r2").' }),
    etag: z.string().optional().meta({ description: 'R2 etag of the artifact object when it was read (source "r2").' }),
    pointer: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'The pointer object that named the key; null when MODEL_KEY did (source "r2").' }),
    loadedAt: z.string().meta({ description: 'When this isolate loaded the model.' }),
  })
  .meta({ id: 'ServedModel' });
