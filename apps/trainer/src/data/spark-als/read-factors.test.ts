import { parquetWriteBuffer } from 'hyparquet-writer';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-utils/rejection.js';
import {
  factorParquet,
  randomFactorRows,
  writeFactorFolder,
  writeSparkAlsModel,
  type SparkFactorRow,
} from '../../test-utils/spark-model.js';
import { useTempDirs } from '../../test-utils/temp-files.js';
import { UserError } from '../../user-error.js';
import { DataError } from '../data-error.js';
import { readFactorFile } from './factor-file.js';
import { readSparkFactors } from './read-factors.js';

const tempDir = useTempDirs();

/** A model folder whose userFactors/ holds `parts` (itemFactors/ one valid row). */
async function modelWithUsers(parts: SparkFactorRow[][], rank = 2): Promise<string> {
  return writeSparkAlsModel(await tempDir(), {
    rank,
    userParts: parts,
    itemParts: [[{ id: 0, features: Array.from({ length: rank }, () => 1) }]],
  });
}

describe('readSparkFactors', () => {
  it('reads every part file, snappy and uncompressed, to exact float32 rows ordered by Spark id', async () => {
    const rows = randomFactorRows([17, 3, 250, 0, 42, 8, 99], 5, 7);
    const dir = await writeSparkAlsModel(await tempDir(), {
      rank: 5,
      userParts: [rows.slice(0, 3), [], rows.slice(3, 5), rows.slice(5)],
      itemParts: [rows.slice(0, 1)],
      codecs: ['SNAPPY', 'UNCOMPRESSED'],
    });
    const names = await readdir(join(dir, 'userFactors'));
    expect(names).toEqual(expect.arrayContaining(['_SUCCESS', '._SUCCESS.crc']));
    expect(names.filter((name) => name.endsWith('.snappy.parquet'))).toHaveLength(2);
    expect(names.filter((name) => name.endsWith('.crc'))).toHaveLength(5);

    const progress: number[][] = [];
    const users = await readSparkFactors(dir, 'user', 5, (_, read, files, n) => progress.push([read, files, n]));
    expect(users.files).toBe(4);
    expect(progress).toEqual([
      [1, 4, 3],
      [2, 4, 3],
      [3, 4, 5],
      [4, 4, 7],
    ]);
    const sorted = [...rows].sort((a, b) => a.id - b.id);
    expect([...users.ids]).toEqual(sorted.map((row) => row.id));
    expect(users.factors).toEqual(Float32Array.from(sorted.flatMap((row) => row.features as number[])));
  });

  it('refuses a row whose features are not rank long, and names file, field and row', async () => {
    const dir = await modelWithUsers([
      [
        { id: 5, features: [1, 2] },
        { id: 6, features: [1, 2, 3] },
      ],
    ]);
    const error = await rejectionOf(readSparkFactors(dir, 'user', 2), DataError);
    expect(error.file).toMatch(/userFactors\/part-00000-.*\.snappy\.parquet$/);
    expect(error.field).toBe('features');
    expect(error.message).toMatch(/: features: row 2 \(id 6\): 3 values, but the metadata says rank 2$/);
  });

  it('refuses null features, null values and NaN', async () => {
    const nullRow = await modelWithUsers([
      [
        { id: 1, features: [1, 2] },
        { id: 2, features: null },
      ],
    ]);
    await expect(readSparkFactors(nullRow, 'user', 2)).rejects.toThrow(/features: row 2 \(id 2\): null$/);
    const nullValue = await modelWithUsers([[{ id: 1, features: [1, null] }]]);
    await expect(readSparkFactors(nullValue, 'user', 2)).rejects.toThrow(/features: row 1 \(id 1\): value 2 is null/);
    const nan = await modelWithUsers([[{ id: 4, features: [Number.NaN, 1] }]]);
    await expect(readSparkFactors(nan, 'user', 2)).rejects.toThrow(
      /features: row 1 \(id 4\): value 1 is not a finite number \(got "NaN"\)/,
    );
  });

  it('refuses an id in two rows, in one part file or across two', async () => {
    const across = await modelWithUsers([[{ id: 7, features: [1, 2] }], [{ id: 7, features: [3, 4] }]]);
    const error = await rejectionOf(readSparkFactors(across, 'user', 2), DataError);
    expect(error.file).toBe(join(across, 'userFactors'));
    expect(error.message).toMatch(/id: user id 7 appears twice \(in part-00000-.* and part-00001-.*\)/);
    const within = await modelWithUsers([
      [
        { id: 9, features: [1, 2] },
        { id: 9, features: [1, 2] },
      ],
    ]);
    await expect(readSparkFactors(within, 'user', 2)).rejects.toThrow(
      /user id 9 appears twice \(in part-00000-[^ ]*\)$/,
    );
  });

  it('refuses a missing folder, one without part files, and only empty parts', async () => {
    const dir = await modelWithUsers([[{ id: 1, features: [1, 2] }]]);
    await rm(join(dir, 'itemFactors'), { recursive: true });
    const missing = await rejectionOf(readSparkFactors(dir, 'item', 2), UserError);
    expect(missing.message).toMatch(/cannot read the item factors of the Spark model .*itemFactors\/: no such file/);
    await writeFactorFolder(join(dir, 'itemFactors'), []);
    await expect(readSparkFactors(dir, 'item', 2)).rejects.toThrow(/itemFactors\/ holds no part-\*\.parquet file/);
    const empty = await modelWithUsers([[], []]);
    await expect(readSparkFactors(empty, 'user', 2)).rejects.toThrow(/userFactors: no users: every part file is empty/);
  });
});

describe('readFactorFile', () => {
  it('refuses bytes that are not parquet, or cut short', async () => {
    const dir = await tempDir();
    const garbage = join(dir, 'part-00000.parquet');
    await writeFile(garbage, 'id,features\n1,"[0.1, 0.2]"\n');
    const error = await rejectionOf(readFactorFile(garbage, 2), DataError);
    expect(error.message).toMatch(/part-00000\.parquet: not a readable Parquet file: /);
    const whole = new Uint8Array(factorParquet(randomFactorRows([1, 2, 3], 4, 1)));
    const cut = join(dir, 'part-00001.parquet');
    await writeFile(cut, whole.subarray(0, whole.length - 20));
    await expect(readFactorFile(cut, 4)).rejects.toThrow(/part-00001\.parquet: not a readable Parquet file/);
  });

  it('refuses a file without Spark’s columns or with other types', async () => {
    const dir = await tempDir();
    const renamed = join(dir, 'renamed.parquet');
    await writeFile(
      renamed,
      new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'user', data: Int32Array.from([1]) }] })),
    );
    const error = await rejectionOf(readFactorFile(renamed, 2), DataError);
    expect(error.field).toBe('id');
    expect(error.message).toMatch(/id: no id column \(the file has user\)/);
    const doubles = join(dir, 'doubles.parquet');
    await writeFile(
      doubles,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: Int32Array.from([1]) },
            { name: 'features', data: Float64Array.from([0.5]), type: 'DOUBLE' },
          ],
        }),
      ),
    );
    await expect(readFactorFile(doubles, 1)).rejects.toThrow(
      /features: expected a list of 32-bit floats \(Spark's array<float>\), found DOUBLE/,
    );
  });
});
