import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { datasetPaths, datasetsCacheDir, diskError, isCached } from './cache.js';
import { findDataset } from './catalog.js';

describe('datasetsCacheDir', () => {
  it('prefers --dir, then EDGEREC_DATA_DIR, then the user cache folder', () => {
    const env = { EDGEREC_DATA_DIR: '/srv/data' };
    expect(datasetsCacheDir('/opt/ds', env)).toBe(resolve('/opt/ds'));
    expect(datasetsCacheDir('rel/ds', env)).toBe(resolve('rel/ds'));
    expect(datasetsCacheDir(undefined, env)).toBe(resolve('/srv/data'));
    const fallback = datasetsCacheDir(undefined, {});
    expect(basename(fallback)).toBe('datasets');
    expect(fallback).toMatch(/edgerec/);
    expect(fallback).not.toMatch(/edgerec-nodejs/);
  });
});

describe('datasetPaths and isCached', () => {
  const tempDir = useTempDirs();

  it('places a dataset under its folder and sees it once the ratings file exists', async () => {
    const dir = await tempDir();
    const ml100k = findDataset('ml-100k');
    const paths = datasetPaths(dir, ml100k);
    expect(paths).toEqual({
      folder: join(dir, 'ml-100k'),
      ratings: join(dir, 'ml-100k', 'u.data'),
      train: join(dir, 'ml-100k', 'u1.base'),
      test: join(dir, 'ml-100k', 'u1.test'),
    });
    expect(datasetPaths(dir, findDataset('ml-1m'))).toEqual({
      folder: join(dir, 'ml-1m'),
      ratings: join(dir, 'ml-1m', 'ratings.dat'),
    });
    expect(await isCached(dir, ml100k)).toBe(false);
    await mkdir(paths.folder);
    expect(await isCached(dir, ml100k)).toBe(false);
    await writeFile(paths.ratings, '1\t1\t5\t0\n');
    expect(await isCached(dir, ml100k)).toBe(true);
  });
});

describe('diskError', () => {
  it('turns file-system failures into user errors naming the path, and passes others through', () => {
    const full = diskError(
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
      'write',
      '/c/x',
    );
    expect(full).toBeInstanceOf(UserError);
    expect((full as Error).message).toBe('could not write /c/x: ENOSPC: no space left on device, write (disk full?)');
    const denied = diskError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), 'create', '/c');
    expect((denied as Error).message).toMatch(/could not create \/c: .*\(no permission\?\)/);
    const other = new RangeError('bug');
    expect(diskError(other, 'write', '/c/x')).toBe(other);
  });
});
