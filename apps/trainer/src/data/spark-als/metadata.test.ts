import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-utils/rejection.js';
import { writeSparkAlsModel } from '../../test-utils/spark-model.js';
import { useTempDirs } from '../../test-utils/temp-files.js';
import { UserError } from '../../user-error.js';
import { DataError } from '../data-error.js';
import { readSparkAlsMetadata } from './metadata.js';

const tempDir = useTempDirs();
const tiny = { rank: 2, userParts: [[{ id: 0, features: [1, 2] }]], itemParts: [[{ id: 0, features: [3, 4] }]] };

/** Writes a model whose metadata line is `line`, and returns the model folder. */
async function withMetadataLine(line: string): Promise<string> {
  const dir = await writeSparkAlsModel(await tempDir(), tiny);
  await writeFile(join(dir, 'metadata', 'part-00000'), line);
  return dir;
}

describe('readSparkAlsMetadata', () => {
  it('reads rank, the columns (set params over defaults), the version and a content hash', async () => {
    const dir = await writeSparkAlsModel(await tempDir(), { ...tiny, rank: 2 });
    const metadata = await readSparkAlsMetadata(dir);
    expect(metadata).toMatchObject({
      rank: 2,
      userCol: 'user_index',
      itemCol: 'item_index',
      sparkVersion: '3.5.1',
      uid: 'ALS_0123456789ab',
      file: join(dir, 'metadata', 'part-00000'),
    });
    expect(metadata.implicitPrefs).toBeUndefined();
    expect(metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes implicitPrefs from the params when they record it', async () => {
    const dir = await writeSparkAlsModel(await tempDir(), {
      ...tiny,
      metadata: { paramMap: { implicitPrefs: true }, defaultParamMap: { implicitPrefs: false, userCol: 'u' } },
    });
    expect(await readSparkAlsMetadata(dir)).toMatchObject({ implicitPrefs: true, userCol: 'u', itemCol: 'item' });
  });

  it('refuses a missing folder, a file in its place and a folder without metadata', async () => {
    const root = await tempDir();
    const missing = await rejectionOf(readSparkAlsMetadata(join(root, 'nope')), UserError);
    expect(missing.message).toMatch(/cannot read the Spark model folder .*nope: no such file/);
    await writeFile(join(root, 'model.json'), '{}');
    const file = await rejectionOf(readSparkAlsMetadata(join(root, 'model.json')), UserError);
    expect(file.message).toMatch(/model\.json is not a folder/);
    await mkdir(join(root, 'empty'));
    const empty = await rejectionOf(readSparkAlsMetadata(join(root, 'empty')), UserError);
    expect(empty.message).toMatch(
      /empty: cannot read metadata\/part-00000 \(no such file\): not a model saved by Spark ML/,
    );
    const dir = await writeSparkAlsModel(await tempDir(), tiny);
    await rm(join(dir, 'metadata'), { recursive: true });
    await expect(readSparkAlsMetadata(dir)).rejects.toThrow(/cannot read metadata\/part-00000/);
  });

  it('refuses metadata that is not JSON, and names the file', async () => {
    const dir = await withMetadataLine('PAR1 not json');
    const error = await rejectionOf(readSparkAlsMetadata(dir), DataError);
    expect(error.file).toBe(join(dir, 'metadata', 'part-00000'));
    expect(error.message).toMatch(/not Spark ML metadata: the first line is not JSON/);
  });

  it('refuses a model of another class, and points into a tuning model', async () => {
    const other = await writeSparkAlsModel(await tempDir(), {
      ...tiny,
      metadata: { class: 'org.apache.spark.ml.classification.LogisticRegressionModel' },
    });
    const error = await rejectionOf(readSparkAlsMetadata(other), DataError);
    expect(error.field).toBe('class');
    expect(error.message).toMatch(
      /class: not an ALS model: the class is org\.apache\.spark\.ml\.classification\.LogisticRegressionModel, expected org\.apache\.spark\.ml\.recommendation\.ALSModel$/,
    );
    const tuned = await writeSparkAlsModel(await tempDir(), {
      ...tiny,
      metadata: { class: 'org.apache.spark.ml.tuning.CrossValidatorModel' },
    });
    await expect(readSparkAlsMetadata(tuned)).rejects.toThrow(/point at its bestModel\/ folder/);
  });

  it('refuses a missing or unusable rank, and non-boolean implicitPrefs', async () => {
    const noRank = await withMetadataLine(JSON.stringify({ class: 'org.apache.spark.ml.recommendation.ALSModel' }));
    const missing = await rejectionOf(readSparkAlsMetadata(noRank), DataError);
    expect(missing.field).toBe('rank');
    expect(missing.message).toMatch(/part-00000: rank: missing$/);
    const huge = await writeSparkAlsModel(await tempDir(), { ...tiny, metadata: { rank: 4096 } });
    await expect(readSparkAlsMetadata(huge)).rejects.toThrow(
      /rank: must be an integer from 1 to 1024 .*\(got "4096"\)/,
    );
    const odd = await writeSparkAlsModel(await tempDir(), {
      ...tiny,
      metadata: { paramMap: { implicitPrefs: 'yes' } },
    });
    await expect(readSparkAlsMetadata(odd)).rejects.toThrow(/implicitPrefs: must be true or false \(got "\\"yes\\""\)/);
  });
});
