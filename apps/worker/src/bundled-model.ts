import { parseArtifact, type LoadedArtifact } from '@edgerec/core';
// A Text module (see `rules` in wrangler.jsonc): the artifact's JSON text, bundled at build time.
// `pnpm --filter @edgerec/worker use-model <artifact>` puts a validated artifact here.
import artifactText from '../model/edgerec.model.json';

/** Where the bundled artifact lives, relative to apps/worker. */
export const BUNDLED_MODEL_PATH = 'model/edgerec.model.json';

/** Parses and validates the artifact bundled with the worker. */
export function loadBundledModel(): Promise<LoadedArtifact> {
  return parseArtifact(artifactText, { source: `bundled ${BUNDLED_MODEL_PATH}` });
}
