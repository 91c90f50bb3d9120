import { gramian } from '../ials/gramian.js';
import { objectiveOf, rankingHead, type RecommenderModel } from '../recommender-model.js';
import { encodeIvfIndex } from './ivf-encoding.js';
import { assertModelShape } from '../recommender-model.js';
import { sha256Hex } from './hash.js';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  type ArtifactJson,
  type FoldInJson,
  type RankingHeadJson,
} from './schema.js';
import { encodeSeenItems } from './seen-encoding.js';
import { decodeTable, encodeTable, type EncodedTable, type TableEncoding } from './tables.js';

/** What an artifact records besides the model tables. */
export interface ArtifactMetadata {
  createdAt?: string;
  stats: ArtifactJson['stats'];
  training: ArtifactJson['training'];
  /** How the ranking head (if the model has one) was trained. */
  rankingTraining?: RankingHeadJson['training'];
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
 * Serializes a model and its metadata to artifact JSON text (the current version). The
 * `sha256` field, written last, is the hex sha256 of the JSON text of every other field
 * (JSON.stringify, no spaces). A fold-in Gramian is recomputed from the item table as written,
 * so a quantized table's fold-in matches what the edge scores with.
 */
export async function serializeArtifact(
  model: RecommenderModel,
  metadata: ArtifactMetadata,
  options: SerializeOptions = {},
): Promise<string> {
  assertModelShape(model);
  const encoding = options.tableEncoding ?? 'f32-base64';
  const objective = objectiveOf(model);
  const main = encodeHead(model, encoding);
  const ranking = model.ranking;
  if (ranking && !metadata.rankingTraining)
    throw new Error('a model with a ranking head needs metadata.rankingTraining');
  const body: Omit<ArtifactJson, 'sha256'> = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    createdAt: metadata.createdAt ?? new Date().toISOString(),
    objective,
    model: { dim: model.dim, activation: model.activation, globalBias: model.globalBias },
    ...(objective === 'rating' ? { scale: { ...model.scale } } : {}),
    recommendThreshold: model.recommendThreshold,
    stats: metadata.stats,
    users: { ids: [...model.users.ids], ...main.users },
    items: {
      ids: [...model.items.ids],
      ...main.items,
      ...(model.popularity ? { popularity: encodeTable(model.popularity, 'f32-base64') } : {}),
    },
    ...(main.foldIn ? { foldIn: main.foldIn } : {}),
    ...(ranking
      ? {
          ranking: {
            objective: 'interaction' as const,
            model: { dim: ranking.dim, activation: ranking.activation, globalBias: ranking.globalBias },
            recommendThreshold: ranking.recommendThreshold,
            ...encodeHead(ranking, encoding),
            training: metadata.rankingTraining!,
          },
        }
      : {}),
    ...(model.seen && options.includeSeen !== false ? { seen: encodeSeenItems(model.seen) } : {}),
    training: metadata.training,
    ...(rankingHead(model).ivf ? { ivf: encodeIvfIndex(rankingHead(model).ivf!) } : {}),
  };
  const text = JSON.stringify(body);
  const hash = await sha256Hex(text);
  return `${text.slice(0, -1)},"sha256":"${hash}"}`;
}

/** A head's four tables in the requested encoding, and its fold-in parameters if it has them. */
function encodeHead(
  head: RecommenderModel,
  encoding: TableEncoding,
): {
  users: { factors: EncodedTable; bias: EncodedTable };
  items: { factors: EncodedTable; bias: EncodedTable };
  foldIn?: FoldInJson;
} {
  const biases = biasEncoding(encoding);
  const itemFactors = encodeTable(head.itemFactors, encoding, head.dim);
  const out = {
    users: { factors: encodeTable(head.userFactors, encoding, head.dim), bias: encodeTable(head.userBias, biases) },
    items: { factors: itemFactors, bias: encodeTable(head.itemBias, biases) },
  };
  if (!head.foldIn) return out;
  const stored = decodeTable(itemFactors, head.dim);
  const { gramian: _trained, ...params } = head.foldIn;
  const g = gramian(stored, head.items.size, head.dim);
  return {
    ...out,
    foldIn: {
      ...params,
      confidence: { ...params.confidence },
      gramian: encodeTable(Float32Array.from(g), 'f32-base64'),
    },
  };
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
