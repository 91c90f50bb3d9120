import { importPublicKeys, type ArtifactPublicKey } from '@edgerec/core';
import { ModelSourceError } from './load-errors';

/** The isolate's imported MODEL_PUBLIC_KEYS, keyed by the var's text (vars only change with a deploy). */
let cached: { text: string; keys: Promise<readonly ArtifactPublicKey[]> } | undefined;

/**
 * The keys every loaded artifact must be signed by: MODEL_PUBLIC_KEYS (a var or a secret; PEM
 * blocks, or base64 SPKI / raw keys separated by commas, spaces or newlines), imported once per
 * isolate. Undefined when the var is unset or blank (signatures are then not required). A value
 * that does not import fails closed: a non-retryable `bad-config` ModelSourceError, never a
 * fallback to unsigned models.
 */
export function trustedKeys(env: Env): Promise<readonly ArtifactPublicKey[] | undefined> {
  const text = env.MODEL_PUBLIC_KEYS ?? '';
  if (text.trim() === '') return Promise.resolve(undefined);
  if (cached?.text !== text) cached = { text, keys: importPublicKeys(text, 'MODEL_PUBLIC_KEYS') };
  return cached.keys.catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelSourceError(
      'bad-config',
      `MODEL_PUBLIC_KEYS is malformed, so no model is served until it is fixed: ${reason}. ` +
        'Expected one or more Ed25519 public keys: PEM blocks, or base64 keys separated by commas (what `edgerec keygen` prints)',
      false,
    );
  });
}
