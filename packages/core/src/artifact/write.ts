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
  /** How float tables are written (default 'f32-base64'). */
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
      factors: encodeTable(model.userFactors, encoding),
      bias: encodeTable(model.userBias, encoding),
    },
    items: {
      ids: [...model.items.ids],
      factors: encodeTable(model.itemFactors, encoding),
      bias: encodeTable(model.itemBias, encoding),
    },
    ...(model.seen && options.includeSeen !== false ? { seen: encodeSeenItems(model.seen) } : {}),
    training: metadata.training,
  };
  const text = JSON.stringify(body);
  const hash = await sha256Hex(text);
  return `${text.slice(0, -1)},"sha256":"${hash}"}`;
}
