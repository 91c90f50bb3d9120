import { parseArtifact, type LoadedArtifact } from '@edgerec/core';
import type { ArtifactReadOptions } from './artifact-policy';
// A Text module (see `rules` in wrangler.jsonc): the artifact's JSON text, bundled at build time.
// `pnpm --filter @edgerec/worker use-model <artifact>` puts a validated artifact here.
import artifactText from '../model/edgerec.model.json';

/** Where the bundled artifact lives, relative to apps/worker. */
export const BUNDLED_MODEL_PATH = 'model/edgerec.model.json';

/** Parses and validates the artifact bundled with the worker, under the isolate's policy (trusted keys, decoded-size budget). */
export function loadBundledModel(options: ArtifactReadOptions = {}): Promise<LoadedArtifact> {
  return parseArtifact(artifactText, { source: `bundled ${BUNDLED_MODEL_PATH}`, ...options });
}
