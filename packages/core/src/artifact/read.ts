import { createIdIndex } from '../ids.js';
import { assertModelShape, type RecommenderModel } from '../recommender-model.js';
import { assertValidScale } from '../scale.js';
import { ArtifactError } from './errors.js';
import { sha256Hex } from './hash.js';
import { ARTIFACT_FORMAT, ARTIFACT_VERSION, artifactSchema, type ArtifactJson } from './schema.js';
import { decodeSeenItems } from './seen-encoding.js';
import { decodeFactorTable, decodeTable, type EncodedTable } from './tables.js';

/** Everything in an artifact except the decoded tables. */
export type ArtifactMeta = Omit<ArtifactJson, 'users' | 'items' | 'seen'>;

/** A validated artifact: the model ready to score, and its metadata. */
export interface LoadedArtifact {
  model: RecommenderModel;
  meta: ArtifactMeta;
}

/** Options for {@link parseArtifact}. */
export interface ParseOptions {
  /** Names the artifact in error messages (a path or key). */
  source?: string;
  /** Skip the sha256 check (default false). */
  skipChecksum?: boolean;
}

/**
 * Parses and validates artifact JSON text: format and version, schema, sha256 of the content,
 * then table lengths and id uniqueness. Throws ArtifactError saying which check failed and where.
 */
export async function parseArtifact(text: string, options: ParseOptions = {}): Promise<LoadedArtifact> {
  const source = options.source ?? 'artifact';
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
  if (head.version !== ARTIFACT_VERSION) {
    throw new ArtifactError(
      'unsupported-version',
      `${source} has artifact version ${JSON.stringify(head.version)}; this build reads version ${ARTIFACT_VERSION}`,
    );
  }
  const result = artifactSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    });
    const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
    throw new ArtifactError('schema', `${source} does not match the artifact schema: ${issues.join('; ')}${more}`);
  }
  const json = result.data;

  if (!options.skipChecksum) {
    const stored = head.sha256 as string;
    const actual = await contentHash(text, head);
    if (actual !== stored) {
      throw new ArtifactError(
        'checksum',
        `${source} failed its integrity check: content sha256 is ${actual}, the artifact says ${String(stored)}`,
      );
    }
  }
  return { model: decodeModel(json, source), meta: metaOf(json) };
}

/**
 * The sha256 the writer computed: of JSON.stringify of every field but `sha256`. A file as the
 * writer left it is that text plus a `,"sha256":"…"}` tail, so it is hashed as it stands (no
 * re-serialisation: ~3× faster on big models); any other layout (re-indented, reordered tail) is
 * re-serialised from the parsed object.
 */
async function contentHash(text: string, parsed: Record<string, unknown>): Promise<string> {
  const tail = `,"sha256":"${String(parsed.sha256)}"}`;
  const trimmed = text.trimEnd();
  if (trimmed.endsWith(tail)) {
    const fast = await sha256Hex(`${trimmed.slice(0, trimmed.length - tail.length)}}`);
    if (fast === parsed.sha256) return fast;
  }
  const { sha256: _stored, ...body } = parsed;
  return sha256Hex(JSON.stringify(body));
}

function decodeModel(json: ArtifactJson, source: string): RecommenderModel {
  const fail = (message: string): never => {
    throw new ArtifactError('inconsistent', `${source}: ${message}`);
  };
  const { dim } = json.model;
  const checked = <T>(name: string, encoded: EncodedTable, expected: number, decode: () => T): T => {
    if (encoded.length !== expected) fail(`${name} declares ${encoded.length} values, expected ${expected}`);
    try {
      return decode();
    } catch (error) {
      return fail(`${name} ${(error as Error).message}`);
    }
  };
  // Factor tables keep int8 rows as they are (scored directly); rows must be `dim` wide.
  const factors = (name: string, encoded: EncodedTable, rows: number) =>
    checked(name, encoded, rows * dim, () => decodeFactorTable(encoded, dim));
  // Bias tables are always float32 (an int8 bias table, which this library never writes, is dequantized).
  const biases = (name: string, encoded: EncodedTable, rows: number) =>
    checked(name, encoded, rows, () => decodeTable(encoded, 1));
  const index = (name: string, ids: string[]) => {
    try {
      return createIdIndex(ids);
    } catch (error) {
      return fail(`${name}: ${(error as Error).message}`);
    }
  };
  const users = index('users.ids', json.users.ids);
  const items = index('items.ids', json.items.ids);
  try {
    assertValidScale(json.scale);
  } catch (error) {
    fail(`scale: ${(error as Error).message}`);
  }
  let seen;
  if (json.seen) {
    try {
      seen = decodeSeenItems(json.seen, users.size, items.size);
    } catch (error) {
      fail(`seen ${(error as Error).message}`);
    }
  }
  const model: RecommenderModel = {
    dim,
    activation: json.model.activation,
    globalBias: json.model.globalBias,
    scale: json.scale,
    recommendThreshold: json.recommendThreshold,
    users,
    items,
    userFactors: factors('users.factors', json.users.factors, users.size),
    itemFactors: factors('items.factors', json.items.factors, items.size),
    userBias: biases('users.bias', json.users.bias, users.size),
    itemBias: biases('items.bias', json.items.bias, items.size),
    ...(seen ? { seen } : {}),
  };
  try {
    assertModelShape(model);
  } catch (error) {
    fail((error as Error).message);
  }
  return model;
}

function metaOf(json: ArtifactJson): ArtifactMeta {
  const { users: _users, items: _items, seen: _seen, ...meta } = json;
  return meta;
}
