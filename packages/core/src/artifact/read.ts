import type { InteractionFoldIn } from '../ials/fold-in-params.js';
import { createIdIndex } from '../ids.js';
import { assertModelShape, type RecommenderModel } from '../recommender-model.js';
import { assertValidScale, SCORE_SCALE } from '../scale.js';
import type { SeenItems } from '../seen-items.js';
import { DEFAULT_MAX_DECODED_BYTES } from '../limits.js';
import { parseArtifactHead } from './artifact-head.js';
import { assertArtifactBounds } from './bounds.js';
import { contentHash } from './content-hash.js';
import { ArtifactError } from './errors.js';
import {
  artifactSchema,
  artifactSchemaV1,
  READABLE_VERSIONS,
  type ArtifactJson,
  type ArtifactJsonV1,
  type FoldInJson,
} from './schema.js';
import { decodeIvfIndex } from './ivf-encoding.js';
import { decodeSeenItems } from './seen-encoding.js';
import { verifyArtifactHash, type ArtifactPublicKey } from './signature.js';
import { decodeFactorTable, decodeTable, type EncodedTable } from './tables.js';

/**
 * Everything in an artifact except the decoded tables, in the version-2 shape (a version-1
 * file reads as a rating model); the ranking head keeps only its description.
 */
export type ArtifactMeta = Omit<ArtifactJson, 'users' | 'items' | 'seen' | 'foldIn' | 'ranking' | 'ivf'> & {
  /** The file's own schema version (1 or 2). */
  readonly fileVersion: number;
  /** The interaction head beside a rating head, without its tables. */
  ranking?: Omit<NonNullable<ArtifactJson['ranking']>, 'users' | 'items' | 'foldIn'>;
  /** The IVF index's description, without its tables (the index itself is on the ranking head). */
  ivf?: Pick<NonNullable<ArtifactJson['ivf']>, 'kind' | 'version' | 'lists' | 'probe' | 'build'>;
};

/** A validated artifact: the model ready to score, and its metadata. */
export interface LoadedArtifact {
  model: RecommenderModel;
  meta: ArtifactMeta;
  /** The trusted key id whose signature verified (only when ParseOptions.publicKeys was given). */
  signedBy?: string;
}

/** Options for {@link parseArtifact}. */
export interface ParseOptions {
  /** Names the artifact in error messages (a path or key). */
  source?: string;
  /** Skip the sha256 check (default false; ignored when `publicKeys` is given). */
  skipChecksum?: boolean;
  /**
   * Trusted signing keys. When given (even empty), the artifact must carry a signature by one of
   * them that verifies over its sha256, or it is refused ('unsigned' or 'signature').
   */
  publicKeys?: readonly ArtifactPublicKey[];
  /** Most bytes the decoded tables may take (default DEFAULT_MAX_DECODED_BYTES, 96 MiB). */
  maxDecodedBytes?: number;
}

/**
 * Parses and validates artifact JSON text: format and version, schema, declared sizes against
 * the bytes and the decoded-size budget (before any table is decoded), sha256 of the content,
 * the signature when trusted keys are given, then the tables and id uniqueness. Throws
 * ArtifactError saying which check failed and where.
 */
export async function parseArtifact(text: string, options: ParseOptions = {}): Promise<LoadedArtifact> {
  const source = options.source ?? 'artifact';
  const head = parseArtifactHead(text, source);
  if (!(READABLE_VERSIONS as readonly unknown[]).includes(head.version)) {
    throw new ArtifactError(
      'unsupported-version',
      `${source} has artifact version ${JSON.stringify(head.version)}; this build reads versions ${READABLE_VERSIONS.join(' and ')}`,
    );
  }
  const fileVersion = head.version as number;
  const result = fileVersion === 1 ? artifactSchemaV1.safeParse(head) : artifactSchema.safeParse(head);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    });
    const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
    throw new ArtifactError('schema', `${source} does not match the artifact schema: ${issues.join('; ')}${more}`);
  }
  const json = fileVersion === 1 ? upgradeV1(result.data as ArtifactJsonV1) : (result.data as ArtifactJson);

  assertArtifactBounds(json, { source, maxDecodedBytes: options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES });

  // The digest runs while the tables decode (Web Crypto hashes off the JS thread in Node); nothing
  // decoded is returned before the hash and the signature are checked.
  // A file that fails both is reported as altered (the checksum), as when the hash came first.
  const hashing = !options.skipChecksum || options.publicKeys ? contentHash(text, head) : undefined;
  const checkHash = async () => {
    if (!hashing) return;
    const stored = head.sha256 as string;
    const actual = await hashing;
    if (actual !== stored) {
      throw new ArtifactError(
        'checksum',
        `${source} failed its integrity check: content sha256 is ${actual}, the artifact says ${String(stored)}`,
      );
    }
  };
  let model: RecommenderModel;
  try {
    model = decodeModel(json, source);
  } catch (error) {
    await checkHash();
    throw error;
  }
  await checkHash();
  const signedBy = options.publicKeys
    ? await verifyArtifactHash(json.sha256, json.signature, options.publicKeys, source)
    : undefined;
  return { model, meta: metaOf(json, fileVersion), ...(signedBy ? { signedBy } : {}) };
}

/** A version-1 artifact in the version-2 shape: a rating model with none of the new fields. */
function upgradeV1(json: ArtifactJsonV1): ArtifactJson {
  return { ...json, version: 2, objective: 'rating' };
}

function decodeModel(json: ArtifactJson, source: string): RecommenderModel {
  const fail = (message: string): never => {
    throw new ArtifactError('inconsistent', `${source}: ${message}`);
  };
  const checked = <T>(name: string, encoded: EncodedTable, expected: number, decode: () => T): T => {
    if (encoded.length !== expected) fail(`${name} declares ${encoded.length} values, expected ${expected}`);
    try {
      return decode();
    } catch (error) {
      return fail(`${name} ${(error as Error).message}`);
    }
  };
  // Factor tables keep int8 rows as they are (scored directly); rows must be `dim` wide.
  const factors = (name: string, encoded: EncodedTable, rows: number, dim: number) =>
    checked(name, encoded, rows * dim, () => decodeFactorTable(encoded, dim));
  // Bias tables are always float32 (an int8 bias table, which this library never writes, is dequantized).
  const floats = (name: string, encoded: EncodedTable, length: number) =>
    checked(name, encoded, length, () => decodeTable(encoded, 1));
  const index = (name: string, ids: string[]) => {
    try {
      return createIdIndex(ids);
    } catch (error) {
      return fail(`${name}: ${(error as Error).message}`);
    }
  };
  const users = index('users.ids', json.users.ids);
  const items = index('items.ids', json.items.ids);
  if (json.scale) {
    try {
      assertValidScale(json.scale);
    } catch (error) {
      fail(`scale: ${(error as Error).message}`);
    }
  }
  let seen: SeenItems | undefined;
  if (json.seen) {
    try {
      seen = decodeSeenItems(json.seen, users.size, items.size);
    } catch (error) {
      fail(`seen ${(error as Error).message}`);
    }
  }
  const popularity = json.items.popularity ? floats('items.popularity', json.items.popularity, items.size) : undefined;
  if (popularity?.some((count) => count < 0)) fail('items.popularity has a negative count');
  const foldIn = (name: string, encoded: FoldInJson | undefined, dim: number): InteractionFoldIn | undefined =>
    encoded && {
      method: encoded.method,
      unobservedWeight: encoded.unobservedWeight,
      l2: encoded.l2,
      regExponent: encoded.regExponent,
      confidence: { ...encoded.confidence },
      gramian: Float64Array.from(floats(`${name}.gramian`, encoded.gramian, dim * dim)),
    };
  const shared = { users, items, ...(seen ? { seen } : {}), ...(popularity ? { popularity } : {}) };
  const head = (
    name: string,
    model: ArtifactJson['model'],
    tables: {
      users: { factors: EncodedTable; bias: EncodedTable };
      items: { factors: EncodedTable; bias: EncodedTable };
    },
    rest: Pick<RecommenderModel, 'objective' | 'scale' | 'recommendThreshold'>,
    encodedFoldIn: FoldInJson | undefined,
    ranks: boolean,
  ): RecommenderModel => {
    const { dim } = model;
    const decodedFoldIn = foldIn(name === '' ? 'foldIn' : `${name}.foldIn`, encodedFoldIn, dim);
    const ivf = ranks && json.ivf ? ivfIndex(json.ivf, items.size, dim + 1) : undefined;
    return {
      ...rest,
      dim,
      activation: model.activation,
      globalBias: model.globalBias,
      ...shared,
      userFactors: factors(`${name}users.factors`, tables.users.factors, users.size, dim),
      itemFactors: factors(`${name}items.factors`, tables.items.factors, items.size, dim),
      userBias: floats(`${name}users.bias`, tables.users.bias, users.size),
      itemBias: floats(`${name}items.bias`, tables.items.bias, items.size),
      ...(decodedFoldIn ? { foldIn: decodedFoldIn } : {}),
      ...(ivf ? { ivf } : {}),
    };
  };
  const ivfIndex = (encoded: NonNullable<ArtifactJson['ivf']>, count: number, width: number) => {
    try {
      return decodeIvfIndex(encoded, count, width);
    } catch (error) {
      return fail(`ivf ${(error as Error).message}`);
    }
  };
  const ranking = json.ranking
    ? head(
        'ranking.',
        json.ranking.model,
        json.ranking,
        {
          objective: 'interaction',
          scale: SCORE_SCALE,
          recommendThreshold: json.ranking.recommendThreshold,
        },
        json.ranking.foldIn,
        true,
      )
    : undefined;
  const model: RecommenderModel = {
    ...head(
      '',
      json.model,
      json,
      {
        objective: json.objective,
        scale: json.scale ?? SCORE_SCALE,
        recommendThreshold: json.recommendThreshold,
      },
      json.foldIn,
      !json.ranking,
    ),
    ...(ranking ? { ranking } : {}),
  };
  try {
    assertModelShape(model);
  } catch (error) {
    fail((error as Error).message);
  }
  return model;
}

function metaOf(json: ArtifactJson, fileVersion: number): ArtifactMeta {
  const { users: _users, items: _items, seen: _seen, foldIn: _foldIn, ranking, ivf, ...rest } = json;
  const meta = ivf
    ? {
        ...rest,
        fileVersion,
        ivf: {
          kind: ivf.kind,
          version: ivf.version,
          lists: ivf.lists,
          ...(ivf.probe ? { probe: ivf.probe } : {}),
          build: ivf.build,
        },
      }
    : { ...rest, fileVersion };
  if (!ranking) return meta;
  const { users: _u, items: _i, foldIn: _f, ...description } = ranking;
  return { ...meta, ranking: description };
}
