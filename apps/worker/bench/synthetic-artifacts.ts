// The random models and artifacts `pnpm bench:serve` serves: gaussian tables of a chosen shape,
// with seen pairs, and an iALS-shaped interaction model for the fold-in.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  gramian,
  itemPopularity,
  SCORE_SCALE,
  serializeArtifact,
  type ArtifactMetadata,
  type RecommenderModel,
  type TableEncoding,
} from '@edgerec/core';
import { gaussianRatingModel, TEST_IALS_FOLD_IN, type GaussianModelShape } from '@edgerec/core/testing';

/** The shape of a random model. */
export type RandomModelShape = GaussianModelShape;

/** A random model with float32 tables (what the benchmark writes and times). */
export type BenchModel = RecommenderModel & {
  userFactors: Float32Array;
  itemFactors: Float32Array;
};

/** A random model: gaussian factors (sd 0.1) and biases, optionally `seenPairs` random seen pairs (core's gaussianRatingModel). */
export const randomModel: (shape: RandomModelShape) => BenchModel = gaussianRatingModel;

/** Metadata of a random model's artifact: what it was "trained" on. */
function syntheticMetadata(
  model: RecommenderModel,
  label: string,
  { createdAt, backend, globalMean }: { createdAt: string; backend: string; globalMean?: number },
): ArtifactMetadata {
  const ratings = model.seen?.items.length ?? 0;
  return {
    createdAt,
    stats: {
      ratings,
      users: model.users.size,
      items: model.items.size,
      ...(globalMean !== undefined ? { globalMean } : {}),
    },
    training: {
      data: { file: `${label}.tsv`, sha256: '0'.repeat(64), format: 'tsv', ratings },
      seed: 1,
      epochs: 1,
      bestEpoch: 1,
      stoppedEarly: false,
      backend,
      seconds: 0,
      hyperparameters: { dim: model.dim },
      metrics: {},
      history: [],
    },
  };
}

/** A random rating model's metadata. */
export function ratingMetadata(model: RecommenderModel, label: string): ArtifactMetadata {
  return syntheticMetadata(model, label, {
    createdAt: '2026-04-27T00:00:00.000Z',
    backend: 'none (random model for the serving benchmark)',
    globalMean: 3.5,
  });
}

/** A random iALS interaction model's metadata. */
export function interactionMetadata(model: RecommenderModel): ArtifactMetadata {
  return syntheticMetadata(model, 'foldin', {
    createdAt: '2026-05-02T00:00:00.000Z',
    backend: 'none (random iALS-shaped model for the serving benchmark)',
  });
}

/** A written artifact: its path and size. */
export interface WrittenArtifact {
  path: string;
  bytes: number;
}

/** Serializes a model (rating metadata by default) into `dir/name` with the given table encoding. */
export async function writeArtifact(
  dir: string,
  name: string,
  model: RecommenderModel,
  encoding: TableEncoding,
  label: string,
  metadata: ArtifactMetadata = ratingMetadata(model, label),
): Promise<WrittenArtifact> {
  const text = await serializeArtifact(model, metadata, { tableEncoding: encoding });
  const path = join(dir, name);
  await writeFile(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}

/**
 * An ML-1M-shaped iALS interaction model: gaussian factors (sd 0.1), zero biases, `interactions`
 * random seen pairs, popularity from them, and the iALS fold-in parameters with the item Gramian.
 */
export function interactionModel({
  users,
  items,
  interactions,
  dim,
  seed,
}: {
  users: number;
  items: number;
  interactions: number;
  dim: number;
  seed: number;
}): BenchModel {
  const base = randomModel({ users, items, dim, seenPairs: interactions, seed });
  return {
    ...base,
    objective: 'interaction',
    globalBias: 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0.3,
    userBias: new Float32Array(users),
    itemBias: new Float32Array(items),
    popularity: itemPopularity(items, base.seen!),
    foldIn: { ...TEST_IALS_FOLD_IN, gramian: gramian(base.itemFactors, items, dim) },
  };
}
