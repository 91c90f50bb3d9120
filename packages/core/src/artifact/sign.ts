import { parseArtifactHead } from './artifact-head.js';
import { artifactTail, contentHash, hashedText } from './content-hash.js';
import { ArtifactError } from './errors.js';
import { signArtifactHash, type ArtifactSigningKey } from './signature.js';

/**
 * Signs artifact text with an Ed25519 key and returns the signed text: the same content and
 * sha256, with a `signature` field after the hash (an earlier signature is replaced). Refuses a
 * text that is not an edgerec model or fails its integrity check, so a corrupt model is never
 * signed.
 */
export async function signArtifact(text: string, signingKey: ArtifactSigningKey, source = 'artifact'): Promise<string> {
  const head = parseArtifactHead(text, source);
  const stored = head.sha256;
  if (typeof stored !== 'string' || !/^[0-9a-f]{64}$/.test(stored)) {
    throw new ArtifactError('schema', `${source} has no valid sha256 field`);
  }
  const actual = await contentHash(text, head);
  if (actual !== stored) {
    throw new ArtifactError(
      'checksum',
      `${source} failed its integrity check (content sha256 ${actual}, the artifact says ${stored}); refusing to sign it`,
    );
  }
  const signature = await signArtifactHash(stored, signingKey);
  const body = hashedText(text, head);
  return `${body.slice(0, -1)}${artifactTail(stored, signature)}`;
}
