import { parseArtifact, serializeArtifact, type RecommenderModel } from '@edgerec/core';
import { handMadeMetadata } from '@edgerec/core/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes `model` as `model.json` in `dir` (metadata for a ranking head included) and returns its path and sha256. */
export async function writeModelFile(dir: string, model: RecommenderModel): Promise<{ path: string; sha256: string }> {
  const base = handMadeMetadata(model);
  const metadata = model.ranking
    ? {
        ...base,
        stats: { ...base.stats, globalMean: 3 },
        rankingTraining: { method: 'ials', seconds: 0, hyperparameters: {} },
      }
    : base;
  const text = await serializeArtifact(model, metadata);
  const path = join(dir, 'model.json');
  await writeFile(path, text);
  return { path, sha256: (await parseArtifact(text, { source: path })).meta.sha256 };
}
