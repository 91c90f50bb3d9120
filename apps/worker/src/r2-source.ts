import { ArtifactError, parseArtifact, type LoadedArtifact } from '@edgerec/core';
import { readOptions, type ArtifactPolicy } from './artifact-policy';
import { ModelSourceError } from './load-errors';
import { assertSignedAsRequired } from './model-signature';

/** The pointer object's key when `MODEL_POINTER_KEY` is not set. */
export const DEFAULT_POINTER_KEY = 'current.json';
/** Largest pointer object read (it only holds a key). */
const MAX_POINTER_BYTES = 64 * 1024;

/** Where in R2 an artifact was read from. */
export interface R2Origin {
  source: 'r2';
  /** The artifact's object key. */
  key: string;
  /** The artifact object's R2 etag when it was read. */
  etag: string;
  /** The pointer object that named `key`, or null when `MODEL_KEY` did. */
  pointer: string | null;
}

/**
 * Resolves the artifact key (MODEL_KEY, else the pointer object), refuses an object larger than
 * the policy's `maxObjectBytes` before downloading its body, then reads and validates it under the
 * policy (decoded-size budget, MODEL_PUBLIC_KEYS). Every failure is a retryable ModelSourceError
 * (the bucket can be fixed without a redeploy); a rejected artifact has `artifact: true` and its
 * ArtifactError code as `reason`.
 */
export async function readR2Artifact(
  env: Env,
  policy: ArtifactPolicy,
): Promise<{ loaded: LoadedArtifact; origin: R2Origin }> {
  const bucket = env.MODELS;
  if (!bucket) {
    throw new ModelSourceError(
      'no-binding',
      'MODEL_SOURCE is "r2" but no R2 bucket is bound as MODELS (add an r2_buckets entry with binding "MODELS" to wrangler.jsonc)',
      false,
    );
  }
  const { key, pointer } = await resolveKey(env, bucket);
  const read = await readBounded(bucket, key, policy.maxObjectBytes);
  if (read.kind === 'missing') {
    const namedBy = pointer === null ? 'MODEL_KEY' : `the pointer object "${pointer}"`;
    throw new ModelSourceError(
      'object-missing',
      `the model artifact "${key}" (named by ${namedBy}) does not exist in the MODELS R2 bucket`,
      true,
    );
  }
  const { object } = read;
  const source = `R2 object "${key}" (etag ${object.etag})`;
  if (read.kind === 'too-large') {
    throw new ModelSourceError(
      'too-large',
      `${source} is ${object.size} bytes, more than the ${policy.maxObjectBytes} bytes (${mebibytes(policy.maxObjectBytes)}) ` +
        'this Worker reads from R2 (MODEL_MAX_OBJECT_MB); it was not downloaded. Write the tables as int8-base64 to shrink it',
      true,
      true,
    );
  }
  const text = await read.object.text();
  try {
    const loaded = await parseArtifact(text, { source, ...readOptions(policy) });
    assertSignedAsRequired(loaded, policy, source);
    return { loaded, origin: { source: 'r2', key, etag: object.etag, pointer } };
  } catch (error) {
    if (error instanceof ArtifactError) throw new ModelSourceError(error.code, error.message, true, true);
    throw error;
  }
}

async function resolveKey(env: Env, bucket: R2Bucket): Promise<{ key: string; pointer: string | null }> {
  const direct = env.MODEL_KEY?.trim() ?? '';
  if (direct !== '') return { key: direct, pointer: null };
  const pointer = env.MODEL_POINTER_KEY?.trim() || DEFAULT_POINTER_KEY;
  const read = await readBounded(bucket, pointer, MAX_POINTER_BYTES);
  if (read.kind === 'missing') {
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
  if (read.kind === 'too-large') throw invalid(`is ${read.object.size} bytes, too large for a pointer`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await read.object.text());
  } catch {
    throw invalid('is not valid JSON');
  }
  const key = (parsed as { key?: unknown } | null)?.key;
  if (typeof key !== 'string' || key.trim() === '') throw invalid('has no non-empty string "key"');
  return { key: key.trim(), pointer };
}

/** An R2 read that never downloads more than its limit. */
type BoundedRead =
  | { kind: 'missing' }
  | { kind: 'too-large'; object: R2Object }
  | { kind: 'body'; object: R2ObjectBody };

/**
 * Reads `key` if it is at most `maxBytes`: its metadata first (`head`), then its body only when
 * small enough, on condition that the etag is still the one measured (a larger object written in
 * between is never downloaded; a changed object is measured again, up to three times).
 */
async function readBounded(bucket: R2Bucket, key: string, maxBytes: number): Promise<BoundedRead> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const head = await r2Call(key, () => bucket.head(key));
    if (!head) return { kind: 'missing' };
    if (head.size > maxBytes) return { kind: 'too-large', object: head };
    const object = await r2Call(key, () => bucket.get(key, { onlyIf: { etagMatches: head.etag } }));
    if (!object) return { kind: 'missing' };
    if ('body' in object) return { kind: 'body', object };
    // The precondition failed: the object was replaced after `head`. Measure it again.
  }
  throw new ModelSourceError('r2-error', `"${key}" kept changing while it was read from the MODELS R2 bucket`, true);
}

/** Runs one R2 call; a failure becomes a retryable `r2-error` naming the key. */
async function r2Call<T>(key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelSourceError('r2-error', `cannot read "${key}" from the MODELS R2 bucket: ${reason}`, true);
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
