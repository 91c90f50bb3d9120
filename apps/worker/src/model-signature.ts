import { ArtifactError, type LoadedArtifact } from '@edgerec/core';
import * as z from 'zod';
import type { ArtifactPolicy } from './artifact-policy';

/**
 * Refuses a loaded artifact that MODEL_PUBLIC_KEYS requires to be signed but that was not verified
 * by one of its keys. parseArtifact already verifies when given the keys; this also fails closed
 * when a loader ignored them (an app built around another loader), so nothing unverified serves.
 */
export function assertSignedAsRequired(loaded: LoadedArtifact, policy: ArtifactPolicy, source: string): void {
  const keys = policy.publicKeys;
  if (!keys) return;
  if (loaded.signedBy !== undefined && keys.some((key) => key.keyId === loaded.signedBy)) return;
  const trusted = keys.map((key) => key.keyId).join(', ');
  const signature = loaded.meta.signature;
  if (!signature) {
    throw new ArtifactError(
      'unsigned',
      `${source} is not signed; this Worker accepts only models signed by key ${trusted} (MODEL_PUBLIC_KEYS)`,
    );
  }
  throw new ArtifactError(
    'signature',
    `${source} names signing key ${signature.keyId}, but its signature was not verified against MODEL_PUBLIC_KEYS (${trusted})`,
  );
}

/** What `GET /v1/model` says about the served model's signature. */
export interface SignatureInfo {
  signed: boolean;
  keyId: string | null;
  signedBy: string | null;
  enforced: boolean;
}

/**
 * The signature facts of a served model. A served model carries `signedBy` exactly when
 * MODEL_PUBLIC_KEYS was set as it loaded (the loader refuses anything unverified then), so
 * `enforced` follows from it.
 */
export function signatureInfo(loaded: LoadedArtifact): SignatureInfo {
  const keyId = loaded.meta.signature?.keyId ?? null;
  const signedBy = loaded.signedBy ?? null;
  return { signed: keyId !== null, keyId, signedBy, enforced: signedBy !== null };
}

/** zod/OpenAPI schema of {@link SignatureInfo}, the `signature` field of `ModelInfoSchema`. */
export const SignatureInfoSchema = z
  .object({
    signed: z.boolean().meta({ description: 'Whether the artifact carries an Ed25519 signature.' }),
    keyId: z.string().nullable().meta({
      description:
        'The key id the signature names (16 hex digits); null when unsigned. Not verified unless `signedBy` is set.',
      example: '70ed3b25c6c364a2',
    }),
    signedBy: z.string().nullable().meta({
      description:
        'The trusted key (from MODEL_PUBLIC_KEYS) whose signature verified; null when signatures are not enforced.',
      example: '70ed3b25c6c364a2',
    }),
    enforced: z.boolean().meta({
      description: 'Whether MODEL_PUBLIC_KEYS is set: this isolate then loads only models signed by one of its keys.',
    }),
  })
  .meta({ id: 'ModelSignature' });
