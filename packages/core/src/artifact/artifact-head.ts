import { ArtifactError } from './errors.js';
import { ARTIFACT_FORMAT } from './schema.js';

/**
 * Parses artifact text into its top-level object and checks that it is an edgerec model (a JSON
 * object whose `format` is ARTIFACT_FORMAT), before any schema check. Throws an ArtifactError
 * ('invalid-json' or 'wrong-format') naming `source`.
 */
export function parseArtifactHead(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(
      'invalid-json',
      `${source} is not valid JSON (truncated or corrupt?): ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ArtifactError('wrong-format', `${source} is not an edgerec model (expected a JSON object)`);
  }
  const head = parsed as Record<string, unknown>;
  if (head.format !== ARTIFACT_FORMAT) {
    throw new ArtifactError(
      'wrong-format',
      `${source} is not an edgerec model (format is ${JSON.stringify(head.format)}, expected "${ARTIFACT_FORMAT}")`,
    );
  }
  return head;
}
