import type { RecommenderModel } from '../recommender-model.js';
import { assertModelShape } from '../recommender-model.js';
import { sha256Hex } from './hash.js';
import { ARTIFACT_FORMAT, ARTIFACT_VERSION, type ArtifactJson } from './schema.js';
import { encodeSeenItems } from './seen-encoding.js';
import { encodeTable, type TableEncoding } from './tables.js';

/** What an artifact records besides the model tables. */
export interface ArtifactMetadata {
  createdAt?: string;
  stats: ArtifactJson['stats'];
  training: ArtifactJson['training'];
}

/** Options for {@link serializeArtifact}. */
export interface SerializeOptions {
  /**
   * How the tables are written (default 'f32-base64'). 'int8-base64' applies to the factor
   * tables only: the bias tables are then written as 'f32-base64' (see {@link biasEncoding}).
   */
  tableEncoding?: TableEncoding;
  /** Store each user's training items so the edge can exclude them (default true). */
  includeSeen?: boolean;
}

/**
 * Serializes a model and its metadata to artifact JSON text. The `sha256` field, written
 * last, is the hex sha256 of the JSON text of every other field (JSON.stringify, no spaces).
 */
export async function serializeArtifact(
  model: RecommenderModel,
  metadata: ArtifactMetadata,
  options: SerializeOptions = {},
): Promise<string> {
  assertModelShape(model);
  const encoding = options.tableEncoding ?? 'f32-base64';
  const biases = biasEncoding(encoding);
  const body: Omit<ArtifactJson, 'sha256'> = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    createdAt: metadata.createdAt ?? new Date().toISOString(),
    model: { dim: model.dim, activation: model.activation, globalBias: model.globalBias },
    scale: { ...model.scale },
    recommendThreshold: model.recommendThreshold,
    stats: metadata.stats,
    users: {
      ids: [...model.users.ids],
      factors: encodeTable(model.userFactors, encoding, model.dim),
      bias: encodeTable(model.userBias, biases),
    },
    items: {
      ids: [...model.items.ids],
      factors: encodeTable(model.itemFactors, encoding, model.dim),
      bias: encodeTable(model.itemBias, biases),
    },
    ...(model.seen && options.includeSeen !== false ? { seen: encodeSeenItems(model.seen) } : {}),
    training: metadata.training,
  };
  const text = JSON.stringify(body);
  const hash = await sha256Hex(text);
  return `${text.slice(0, -1)},"sha256":"${hash}"}`;
}

/**
 * The encoding of the bias tables for a requested table encoding: the same, except that
 * 'int8-base64' gives 'f32-base64'. A bias is a 1-wide row, so int8 would need a float32 scale
 * per value (5 bytes instead of 4); f16 would save 2 bytes an id (about 5% of the int8 dim-32
 * artifact) but biases add straight to every logit and alone rank a cold-start user's items,
 * so they stay exact.
 */
export function biasEncoding(encoding: TableEncoding): TableEncoding {
  return encoding === 'int8-base64' ? 'f32-base64' : encoding;
}
