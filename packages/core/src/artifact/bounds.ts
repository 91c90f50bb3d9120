import { MAX_DIM, MAX_ID_LENGTH, MAX_IDS } from '../limits.js';
import { assertValidScale } from '../scale.js';
import { ArtifactError } from './errors.js';
import { ivfBytes } from './ivf-bounds.js';
import type { ArtifactJson, FoldInJson } from './schema.js';
import type { EncodedTable } from './tables.js';

/** Bytes an id costs once indexed (a Map entry and its share of the table), besides its characters. */
const ID_OVERHEAD_BYTES = 64;

/** What {@link assertArtifactBounds} checks against. */
export interface BoundsOptions {
  /** Names the artifact in messages. */
  source: string;
  /** Most bytes the decoded tables may take. */
  maxDecodedBytes: number;
}

/**
 * Checks, before any table is decoded, that every count the artifact declares is one its bytes
 * can hold and that the whole fits the decoded-size budget: ids (at least one item, at most
 * MAX_IDS a side, each at most MAX_ID_LENGTH characters), dims (at most MAX_DIM), each table's
 * declared length against rows × dim and against its base64 length, seen pairs against
 * users × items and the varint bytes, an IVF index's lists, sizes and tables (ivf-bounds.ts),
 * the threshold inside the model's output range. Returns
 * the estimated decoded bytes; throws an ArtifactError ('inconsistent' or 'too-large').
 */
export function assertArtifactBounds(json: ArtifactJson, options: BoundsOptions): number {
  const { source } = options;
  const fail = (message: string): never => {
    throw new ArtifactError('inconsistent', `${source}: ${message}`);
  };
  const users = json.users.ids.length;
  const items = json.items.ids.length;
  if (items < 1) fail('items.ids is empty; a model needs at least one item');
  for (const [side, count] of [
    ['users', users],
    ['items', items],
  ] as const) {
    if (count > MAX_IDS) fail(`${side}.ids lists ${count} ids, more than the ${MAX_IDS} an artifact may hold`);
  }
  let bytes = idBytes(json.users.ids, 'users.ids', fail) + idBytes(json.items.ids, 'items.ids', fail);

  const head = (prefix: string, model: ArtifactJson['model'], tables: HeadTables, foldIn: FoldInJson | undefined) => {
    const { dim } = model;
    if (dim > MAX_DIM) fail(`${prefix}model.dim is ${dim}, more than the largest supported dim ${MAX_DIM}`);
    bytes += factorBytes(`${prefix}users.factors`, tables.users.factors, users, dim, fail);
    bytes += factorBytes(`${prefix}items.factors`, tables.items.factors, items, dim, fail);
    bytes += floatBytes(`${prefix}users.bias`, tables.users.bias, users, fail);
    bytes += floatBytes(`${prefix}items.bias`, tables.items.bias, items, fail);
    // The Gramian decodes to float32, then is widened to float64.
    if (foldIn) bytes += floatBytes(`${prefix}foldIn.gramian`, foldIn.gramian, dim * dim, fail) * 3;
  };
  head('', json.model, json, json.foldIn);
  if (json.ranking) head('ranking.', json.ranking.model, json.ranking, json.ranking.foldIn);
  if (json.items.popularity) bytes += floatBytes('items.popularity', json.items.popularity, items, fail);
  if (json.seen) bytes += seenBytes(json.seen, users, items, fail);
  if (json.ivf) {
    const width = (json.ranking ?? json).model.dim + 1;
    bytes += ivfBytes(json.ivf, items, width, { fail, floatBytes, base64ByteLength });
  }
  assertThreshold(json, fail);
  if (json.ranking)
    assertHeadThreshold(
      'ranking.recommendThreshold',
      json.ranking.model.activation,
      json.ranking.recommendThreshold,
      fail,
    );

  if (bytes > options.maxDecodedBytes) {
    throw new ArtifactError(
      'too-large',
      `${source}: its tables would take about ${mebibytes(bytes)} once decoded, more than this reader's budget of ${mebibytes(options.maxDecodedBytes)}`,
    );
  }
  return bytes;
}

type HeadTables = {
  users: { factors: EncodedTable; bias: EncodedTable };
  items: { factors: EncodedTable; bias: EncodedTable };
};
type Fail = (message: string) => never;

/** Bytes of an id list once indexed; fails on an over-long id. */
function idBytes(ids: readonly string[], name: string, fail: Fail): number {
  let bytes = 0;
  for (let i = 0; i < ids.length; i++) {
    const length = ids[i]!.length;
    if (length > MAX_ID_LENGTH)
      fail(`${name}[${i}] is ${length} characters long, more than the ${MAX_ID_LENGTH} an id may have`);
    bytes += ID_OVERHEAD_BYTES + 2 * length;
  }
  return bytes;
}

/** Bytes a base64 string decodes to, or undefined when its length is not a whole number of quads. */
export function base64ByteLength(text: string): number | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** Checks that a base64 field holds exactly `expected` bytes, without decoding it. */
function assertBase64Bytes(name: string, text: string, expected: number, what: string, fail: Fail): void {
  const actual = base64ByteLength(text);
  if (actual === undefined) fail(`${name} is not valid base64 (its length ${text.length} is not a multiple of 4)`);
  if (actual !== expected) fail(`${name} holds ${actual} bytes, but ${what} take ${expected}`);
}

/** Decoded bytes of a factor table of rows × dim, after checking its declared and stored sizes. */
function factorBytes(name: string, table: EncodedTable, rows: number, dim: number, fail: Fail): number {
  const length = rows * dim;
  if (table.length !== length)
    fail(`${name} declares ${table.length} values, expected ${length} (${rows} rows × dim ${dim})`);
  if (table.encoding !== 'int8-base64') return floatBytes(name, table, length, fail);
  if (table.rowLength !== dim) fail(`${name} has rowLength ${table.rowLength}, expected ${dim} (dim)`);
  assertBase64Bytes(`${name}.data`, table.data, length, `${length} int8 values`, fail);
  assertBase64Bytes(`${name}.scales`, table.scales, rows * 4, `${rows} float32 row scales`, fail);
  return length + rows * 4;
}

/** Decoded bytes (float32) of a table of `length` values, after checking its declared and stored sizes. */
function floatBytes(name: string, table: EncodedTable, length: number, fail: Fail): number {
  if (table.length !== length) fail(`${name} declares ${table.length} values, expected ${length}`);
  switch (table.encoding) {
    case 'json':
      if (table.data.length !== length) fail(`${name} holds ${table.data.length} values, expected ${length}`);
      break;
    case 'f32-base64':
      assertBase64Bytes(`${name}.data`, table.data, length * 4, `${length} float32 values`, fail);
      break;
    case 'f16-base64':
      assertBase64Bytes(`${name}.data`, table.data, length * 2, `${length} float16 values`, fail);
      break;
    case 'int8-base64':
      // Dequantized to float32 (this library writes float biases; a 1-wide int8 table is accepted).
      if (table.rowLength !== 1) fail(`${name} has rowLength ${table.rowLength}, expected 1`);
      assertBase64Bytes(`${name}.data`, table.data, length, `${length} int8 values`, fail);
      assertBase64Bytes(`${name}.scales`, table.scales, length * 4, `${length} float32 row scales`, fail);
      return length * 9;
  }
  return length * 4;
}

/**
 * Decoded bytes of the seen lists: each user's count and each pair take at least one varint
 * byte, so pairs ≤ bytes − users; and no user can have seen more than every item.
 */
function seenBytes(seen: NonNullable<ArtifactJson['seen']>, users: number, items: number, fail: Fail): number {
  const stored = base64ByteLength(seen.data);
  if (stored === undefined)
    fail(`seen.data is not valid base64 (its length ${seen.data.length} is not a multiple of 4)`);
  const { pairs } = seen;
  if (pairs > users * items) fail(`seen declares ${pairs} pairs, more than users × items (${users} × ${items})`);
  if (pairs + users > stored!) {
    fail(
      `seen declares ${pairs} pairs for ${users} users, more than its ${stored} bytes can hold (at least one byte each)`,
    );
  }
  return 4 * (users + 1) + 4 * pairs + stored!;
}

/** A rating model's threshold lies inside its rating scale; an interaction head's inside its activation's range. */
function assertThreshold(json: ArtifactJson, fail: Fail): void {
  const threshold = json.recommendThreshold;
  if (json.objective === 'rating' && json.scale) {
    try {
      assertValidScale(json.scale);
    } catch (error) {
      fail(`scale: ${(error as Error).message}`);
    }
    const { min, max } = json.scale;
    if (threshold < min || threshold > max) {
      fail(`recommendThreshold ${threshold} is outside the rating scale [${min}, ${max}]`);
    }
    return;
  }
  assertHeadThreshold('recommendThreshold', json.model.activation, threshold, fail);
}

/** A score threshold inside the range the head's activation can output (sigmoid [0, 1], tanh [-1, 1]). */
function assertHeadThreshold(name: string, activation: string, threshold: number, fail: Fail): void {
  const range = activation === 'sigmoid' ? [0, 1] : activation === 'tanh' ? [-1, 1] : undefined;
  if (range && (threshold < range[0]! || threshold > range[1]!)) {
    fail(`${name} ${threshold} is outside the ${activation} head's output range [${range[0]}, ${range[1]}]`);
  }
}

function mebibytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
