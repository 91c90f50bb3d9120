import type { ArtifactPublicKey, ParseOptions } from '@edgerec/core';
import { ModelSourceError } from './load-errors';
import { DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_OBJECT_BYTES, MAX_BUDGET_MB } from './limits';
import { trustedKeys } from './trusted-keys';

/** What every artifact this isolate loads must satisfy, read from the Worker's vars. */
export interface ArtifactPolicy {
  /** MODEL_PUBLIC_KEYS, imported: when present, an artifact must be signed by one of these keys. */
  publicKeys?: readonly ArtifactPublicKey[];
  /** Most bytes an artifact's decoded tables may take (MODEL_MAX_DECODED_MB, default core's 96 MiB). */
  maxDecodedBytes: number;
  /** Largest R2 artifact object read, checked before its body is downloaded (MODEL_MAX_OBJECT_MB, default 32 MiB). */
  maxObjectBytes: number;
}

/** The parseArtifact options a model loader gets from the policy. */
export type ArtifactReadOptions = Pick<ParseOptions, 'publicKeys' | 'maxDecodedBytes'>;

/** Reads the policy from `env`; a malformed var throws a non-retryable `bad-config` ModelSourceError. */
export async function artifactPolicy(env: Env): Promise<ArtifactPolicy> {
  const maxDecodedBytes = budgetBytes(env, 'MODEL_MAX_DECODED_MB', DEFAULT_MAX_DECODED_BYTES);
  const maxObjectBytes = budgetBytes(env, 'MODEL_MAX_OBJECT_MB', DEFAULT_MAX_OBJECT_BYTES);
  const publicKeys = await trustedKeys(env);
  return { maxDecodedBytes, maxObjectBytes, ...(publicKeys ? { publicKeys } : {}) };
}

/** The parseArtifact options of a policy. */
export function readOptions(policy: ArtifactPolicy): ArtifactReadOptions {
  return { maxDecodedBytes: policy.maxDecodedBytes, ...(policy.publicKeys ? { publicKeys: policy.publicKeys } : {}) };
}

/** A size var in MiB (a decimal number above 0, at most MAX_BUDGET_MB) as bytes; blank means `fallback`. */
function budgetBytes(env: Env, name: 'MODEL_MAX_DECODED_MB' | 'MODEL_MAX_OBJECT_MB', fallback: number): number {
  const text = env[name]?.trim() ?? '';
  if (text === '') return fallback;
  const mib = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(mib > 0 && mib <= MAX_BUDGET_MB)) {
    throw new ModelSourceError(
      'bad-config',
      `${name} must be a number of MiB above 0 and at most ${MAX_BUDGET_MB} (e.g. "128"), got ${JSON.stringify(env[name])}`,
      false,
    );
  }
  return Math.floor(mib * 1024 * 1024);
}
