import { sha256Hex } from '../artifact/hash.js';
import type { ArtifactMetadata } from '../artifact/write.js';

/** Metadata for test artifacts of a 7-user, 11-item rating model (randomRatingModel's default size). */
export const TEST_METADATA: ArtifactMetadata = {
  createdAt: '2026-01-01T00:00:00.000Z',
  stats: { ratings: 20, users: 7, items: 11, globalMean: 3.5 },
  training: {
    data: { file: 'ratings.tsv', sha256: 'ab'.repeat(32), format: 'tsv', ratings: 20 },
    seed: 42,
    epochs: 3,
    bestEpoch: 2,
    stoppedEarly: false,
    backend: 'cpu',
    seconds: 0.5,
    hyperparameters: { dim: 5 },
    metrics: {},
    history: [{ epoch: 1, loss: 0.1, seconds: 0.1 }],
  },
};

/**
 * Recomputes the sha256 of an edited artifact, as anyone with write access to the file could:
 * the checksum passes, a signature (kept as it was) does not.
 */
export async function reseal(json: Record<string, unknown>): Promise<string> {
  const { sha256: _old, signature, ...body } = json;
  const sha256 = await sha256Hex(JSON.stringify(body));
  return JSON.stringify({ ...body, sha256, ...(signature === undefined ? {} : { signature }) });
}
