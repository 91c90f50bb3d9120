import { ArtifactError, parseArtifact, type LoadedArtifact } from '@edgerec/core';
import { z } from '@hono/zod-openapi';

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

/** The pointer object's key when `MODEL_POINTER_KEY` is not set. */
export const DEFAULT_POINTER_KEY = 'current.json';
/** Largest pointer object read (it only holds a key). */
const MAX_POINTER_BYTES = 64 * 1024;

/** Where a served model was read from. */
export type ModelOrigin =
  | { source: 'bundled' }
  | {
      source: 'r2';
      /** The artifact's object key. */
      key: string;
      /** The artifact object's R2 etag when it was read. */
      etag: string;
      /** The pointer object that named `key`, or null when `MODEL_KEY` did. */
      pointer: string | null;
    };

/** A validated artifact as this isolate serves it: the model, its metadata and where it came from. */
export interface ServedModel extends LoadedArtifact {
  origin: ModelOrigin;
  /** When this isolate loaded it (ISO 8601). */
  loadedAt: string;
}

/** Why a model source could not deliver an artifact (as opposed to an artifact that failed validation). */
export type ModelSourceErrorReason =
  | 'bad-config'
  | 'no-binding'
  | 'pointer-missing'
  | 'pointer-invalid'
  | 'object-missing'
  | 'r2-error';

/**
 * A load failure from a model source. `reason` is a {@link ModelSourceErrorReason}, or the
 * ArtifactError code when the artifact read from R2 failed validation (`artifact` is then true).
 * `retryable` failures (everything from R2: the pointer or the object may be fixed without a
 * redeploy) are retried by the model store after a pause; bundled failures are not.
 */
export class ModelSourceError extends Error {
  override readonly name = 'ModelSourceError';
  constructor(
    readonly reason: ModelSourceErrorReason | ArtifactError['code'],
    message: string,
    readonly retryable: boolean,
    readonly artifact = false,
  ) {
    super(message);
  }
}

/** How a load failure is reported: a rejected artifact (422) or an unavailable source (503). */
export interface LoadFailure {
  kind: 'rejected' | 'unavailable';
  /** The ArtifactError code (`checksum`, `invalid-json`, `schema`, ...) or the source reason. */
  reason: string;
  message: string;
}

/** Classifies a load error: ArtifactErrors are rejections, everything else is unavailability. */
export function describeLoadFailure(error: unknown): LoadFailure {
  if (error instanceof ArtifactError) return { kind: 'rejected', reason: error.code, message: error.message };
  if (error instanceof ModelSourceError) {
    return { kind: error.artifact ? 'rejected' : 'unavailable', reason: error.reason, message: error.message };
  }
  return { kind: 'unavailable', reason: 'load-failed', message: error instanceof Error ? error.message : String(error) };
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
 * The model loader of the app: reads the configured source on every call (the first request, and
 * every `POST /admin/reload`). `loadBundled` parses the artifact bundled with the worker.
 */
export function createModelLoader(loadBundled: () => Promise<LoadedArtifact>): (env: Env) => Promise<ServedModel> {
  return async (env) => {
    if (modelSourceName(env) === 'r2') return loadFromR2(env);
    return served(await loadBundled(), { source: 'bundled' });
  };
}

/** Resolves the artifact key (MODEL_KEY, else the pointer object), reads the artifact from R2 and validates it. */
export async function loadFromR2(env: Env): Promise<ServedModel> {
  const bucket = env.MODELS;
  if (!bucket) {
    throw new ModelSourceError(
      'no-binding',
      'MODEL_SOURCE is "r2" but no R2 bucket is bound as MODELS (add an r2_buckets entry with binding "MODELS" to wrangler.jsonc)',
      false,
    );
  }
  const { key, pointer } = await resolveKey(env, bucket);
  const object = await r2Get(bucket, key);
  if (!object) {
    const namedBy = pointer === null ? 'MODEL_KEY' : `the pointer object "${pointer}"`;
    throw new ModelSourceError(
      'object-missing',
      `the model artifact "${key}" (named by ${namedBy}) does not exist in the MODELS R2 bucket`,
      true,
    );
  }
  const text = await object.text();
  try {
    const loaded = await parseArtifact(text, { source: `R2 object "${key}" (etag ${object.etag})` });
    return served(loaded, { source: 'r2', key, etag: object.etag, pointer });
  } catch (error) {
    if (error instanceof ArtifactError) throw new ModelSourceError(error.code, error.message, true, true);
    throw error;
  }
}

async function resolveKey(env: Env, bucket: R2Bucket): Promise<{ key: string; pointer: string | null }> {
  const direct = env.MODEL_KEY?.trim() ?? '';
  if (direct !== '') return { key: direct, pointer: null };
  const pointer = env.MODEL_POINTER_KEY?.trim() || DEFAULT_POINTER_KEY;
  const object = await r2Get(bucket, pointer);
  if (!object) {
    throw new ModelSourceError(
      'pointer-missing',
      `the model pointer "${pointer}" does not exist in the MODELS R2 bucket: upload a JSON object ` +
        `{"key": "models/<artifact>.json"} under that key, or set MODEL_KEY to the artifact's key`,
      true,
    );
  }
  const invalid = (why: string) =>
    new ModelSourceError(
      'pointer-invalid',
      `the model pointer "${pointer}" ${why}; expected JSON like {"key": "models/<artifact>.json"}`,
      true,
    );
  if (object.size > MAX_POINTER_BYTES) throw invalid(`is ${object.size} bytes, too large for a pointer`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await object.text());
  } catch {
    throw invalid('is not valid JSON');
  }
  const key = (parsed as { key?: unknown } | null)?.key;
  if (typeof key !== 'string' || key.trim() === '') throw invalid('has no non-empty string "key"');
  return { key: key.trim(), pointer };
}

async function r2Get(bucket: R2Bucket, key: string): Promise<R2ObjectBody | null> {
  try {
    return await bucket.get(key);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelSourceError('r2-error', `cannot read "${key}" from the MODELS R2 bucket: ${reason}`, true);
  }
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
  const base = { sha256: model.meta.sha256, createdAt: model.meta.createdAt, source: origin.source, loadedAt: model.loadedAt };
  return origin.source === 'r2' ? { ...base, key: origin.key, etag: origin.etag, pointer: origin.pointer } : base;
}

/** zod/OpenAPI schema of {@link ServedInfo}, for the `served` field of `ModelInfoSchema`. */
export const ServedInfoSchema = z
  .object({
    sha256: z.string().openapi({ description: "The artifact's content sha256 (its first 12 characters are the x-edgerec-model header)." }),
    createdAt: z.string(),
    source: z.enum(MODEL_SOURCES).openapi({ description: 'MODEL_SOURCE the model was loaded from.' }),
    key: z.string().optional().openapi({ description: 'R2 object key of the artifact (source "r2").' }),
    etag: z.string().optional().openapi({ description: 'R2 etag of the artifact object when it was read (source "r2").' }),
    pointer: z.string().nullable().optional().openapi({ description: 'The pointer object that named the key; null when MODEL_KEY did (source "r2").' }),
    loadedAt: z.string().openapi({ description: 'When this isolate loaded the model.' }),
  })
  .openapi('ServedModel');
