import { parquetMetadata, parquetRead, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readFile } from 'node:fs/promises';
import { readFailureReason } from '../../io/errno.js';
import { UserError } from '../../user-error.js';
import { DataError } from '../data-error.js';

/** The rows of one factor file: Spark ids and their factor rows, row-major, `rank` wide. */
export interface FactorRows {
  ids: Int32Array;
  factors: Float32Array;
}

/**
 * Reads one parquet file of a Spark ALS factor table (`id: int`, `features: array<float>`) with
 * hyparquet, any codec hyparquet-compressors knows (snappy, gzip, zstd, …). Every row must have
 * `rank` finite features; a file that is not parquet, lacks a column or breaks a rule is a
 * DataError naming the file, the field and the row.
 * @example const { ids, factors } = await readFactorFile('userFactors/part-00000-….snappy.parquet', 10);
 */
export async function readFactorFile(path: string, rank: number): Promise<FactorRows> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${readFailureReason(error)}`);
  }
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new DataError(path, `not a readable Parquet file: ${(error as Error).message}`);
  }
  checkSchema(path, parquetSchema(metadata));
  let rows: unknown[][] = [];
  try {
    await parquetRead({
      file,
      metadata,
      columns: ['id', 'features'],
      compressors,
      onComplete: (read) => {
        rows = read;
      },
    });
  } catch (error) {
    throw new DataError(path, `cannot read its Parquet data: ${(error as Error).message}`);
  }
  const ids = rows.map((row) => row[0]);
  return {
    ids: idColumn(path, ids),
    factors: featureRows(
      path,
      ids,
      rows.map((row) => row[1]),
      rank,
    ),
  };
}

/** Throws a DataError unless the file has `id` (INT32) and `features` (a list of FLOAT), as Spark writes them. */
function checkSchema(path: string, schema: SchemaTree): void {
  const column = (name: string) => {
    const found = schema.children.find((child) => child.element.name === name);
    if (!found) {
      const has = schema.children.map((child) => child.element.name).join(', ');
      throw new DataError(
        path,
        `no ${name} column (the file has ${has || 'none'}); expected Spark's id: int, features: array<float>`,
        {
          field: name,
        },
      );
    }
    return found;
  };
  const id = column('id');
  if (id.children.length > 0 || id.element.type !== 'INT32') {
    throw new DataError(path, `expected a 32-bit integer column (Spark's int), found ${describe(id)}`, { field: 'id' });
  }
  const features = column('features');
  let leaf = features;
  while (leaf.children.length === 1) leaf = leaf.children[0]!;
  if (features.children.length === 0 || leaf.children.length > 0 || leaf.element.type !== 'FLOAT') {
    throw new DataError(path, `expected a list of 32-bit floats (Spark's array<float>), found ${describe(features)}`, {
      field: 'features',
    });
  }
}

/** A schema node in words: its leaf type, or a group of its children's names. */
function describe(node: SchemaTree): string {
  if (node.children.length === 0) return node.element.type ?? 'an untyped column';
  return `a group of ${node.children.map(describe).join(', ')}`;
}

function idColumn(path: string, ids: ArrayLike<unknown>): Int32Array {
  const out = new Int32Array(ids.length);
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new DataError(path, `row ${r + 1}: not an integer id`, { field: 'id', value: String(id) });
    }
    out[r] = id;
  }
  return out;
}

/** The features as one row-major Float32Array; a null row, a null or non-finite value, or a row not `rank` long is a DataError. */
function featureRows(path: string, ids: ArrayLike<unknown>, features: ArrayLike<unknown>, rank: number): Float32Array {
  const out = new Float32Array(features.length * rank);
  for (let r = 0; r < features.length; r++) {
    const row = features[r] as ArrayLike<number | null> | null | undefined;
    const where = `row ${r + 1} (id ${String(ids[r])})`;
    if (row === null || row === undefined) throw new DataError(path, `${where}: null`, { field: 'features' });
    if (row.length !== rank) {
      throw new DataError(path, `${where}: ${row.length} values, but the metadata says rank ${rank}`, {
        field: 'features',
      });
    }
    for (let k = 0; k < rank; k++) {
      const value = row[k];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new DataError(path, `${where}: value ${k + 1} is ${value === null ? 'null' : 'not a finite number'}`, {
          field: 'features',
          value: String(value),
        });
      }
      out[r * rank + k] = value;
    }
  }
  return out;
}
