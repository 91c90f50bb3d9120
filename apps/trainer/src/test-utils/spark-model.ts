import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A parquet codec hyparquet-writer writes without extra compressors. */
export type CompressionCodec = 'SNAPPY' | 'UNCOMPRESSED';

/** The parquet schema Spark writes for an ALS factor table: `id: int`, `features: array<float>` with nullable elements. */
export const SPARK_FACTOR_SCHEMA: SchemaElement[] = [
  { name: 'spark_schema', num_children: 2 },
  { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'features', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
];

/** One factor row as a test writes it; `null` features or values stand for what a broken file could hold. */
export interface SparkFactorRow {
  id: number;
  features: (number | null)[] | null;
}

/** A Spark ALS model to write: its factor rows split into part files, and what to put in the metadata. */
export interface SparkModelSpec {
  rank: number;
  /** Part files of userFactors/, each a list of rows. */
  userParts: SparkFactorRow[][];
  itemParts: SparkFactorRow[][];
  /** Codec of each part file, cycled (default snappy, as Spark writes). */
  codecs?: CompressionCodec[];
  /** Replaces or adds metadata fields (class, rank, paramMap, …). */
  metadata?: Record<string, unknown>;
}

/**
 * Writes a folder laid out as Spark's `ALSModel.save(path)` writes it: metadata/part-00000 (one
 * JSON line) with its .crc, userFactors/ and itemFactors/ with `part-NNNNN-<uuid>-c000.<codec>.parquet`
 * files, their .crc files and `_SUCCESS`. Returns `dir`.
 * @example await writeSparkAlsModel(dir, { rank: 2, userParts: [[{ id: 0, features: [1, 2] }]], itemParts: [...] })
 */
export async function writeSparkAlsModel(dir: string, spec: SparkModelSpec): Promise<string> {
  const metadata = {
    class: 'org.apache.spark.ml.recommendation.ALSModel',
    timestamp: 1700000000000,
    sparkVersion: '3.5.1',
    uid: 'ALS_0123456789ab',
    paramMap: { userCol: 'user_index', itemCol: 'item_index', coldStartStrategy: 'drop', blockSize: 4096 },
    defaultParamMap: { itemCol: 'item', coldStartStrategy: 'nan', predictionCol: 'prediction', userCol: 'user' },
    rank: spec.rank,
    ...spec.metadata,
  };
  await mkdir(join(dir, 'metadata'), { recursive: true });
  await writeFile(join(dir, 'metadata', 'part-00000'), `${JSON.stringify(metadata)}\n`);
  await writeFile(join(dir, 'metadata', '.part-00000.crc'), 'crc\0');
  await writeFile(join(dir, 'metadata', '_SUCCESS'), '');
  const codecs = spec.codecs ?? ['SNAPPY'];
  await writeFactorFolder(join(dir, 'userFactors'), spec.userParts, codecs);
  await writeFactorFolder(join(dir, 'itemFactors'), spec.itemParts, codecs);
  return dir;
}

/** Writes one factor folder: a parquet file per part, Spark's bookkeeping files beside them. */
export async function writeFactorFolder(
  folder: string,
  parts: SparkFactorRow[][],
  codecs: CompressionCodec[] = ['SNAPPY'],
): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, '_SUCCESS'), '');
  await writeFile(join(folder, '._SUCCESS.crc'), 'crc\0');
  for (const [p, rows] of parts.entries()) {
    const codec = codecs[p % codecs.length]!;
    const name = `part-${String(p).padStart(5, '0')}-4e42e29e-30b5-4d96-abce-318da9f0ba1c-c000.${codec === 'SNAPPY' ? 'snappy.' : ''}parquet`;
    await writeFile(join(folder, name), new Uint8Array(factorParquet(rows, codec)));
    await writeFile(join(folder, `.${name}.crc`), 'crc\0');
  }
}

/** One factor table part as parquet bytes in Spark's schema. */
export function factorParquet(rows: SparkFactorRow[], codec: CompressionCodec = 'SNAPPY'): ArrayBuffer {
  return parquetWriteBuffer({
    codec,
    schema: SPARK_FACTOR_SCHEMA,
    columnData: [
      { name: 'id', data: Int32Array.from(rows, (row) => row.id) },
      { name: 'features', data: rows.map((row) => row.features) },
    ],
  });
}

/** `count` rows with ids from `ids`, each `rank` float32-exact pseudo-random values from a seeded generator. */
export function randomFactorRows(ids: readonly number[], rank: number, seed: number): SparkFactorRow[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(state / 2 ** 32 - 0.5);
  };
  return ids.map((id) => ({ id, features: Array.from({ length: rank }, next) }));
}
