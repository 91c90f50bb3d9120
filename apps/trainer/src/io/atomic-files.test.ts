import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { writeFilesAtomic } from './atomic-files.js';

describe('writeFilesAtomic', () => {
  const tempDir = useTempDirs();

  it('writes every file, creating missing directories', async () => {
    const dir = await tempDir();
    const a = join(dir, 'new', 'deeper', 'a.tsv');
    const b = join(dir, 'b.tsv');
    await writeFilesAtomic([
      { path: a, data: ['x\n', 'y\n'] },
      { path: b, data: 'z\n' },
    ]);
    expect(await readFile(a, 'utf8')).toBe('x\ny\n');
    expect(await readFile(b, 'utf8')).toBe('z\n');
    expect((await readdir(dir)).sort()).toEqual(['b.tsv', 'new']);
  });

  it('leaves nothing behind, not even the first complete file or new directories, when a later one fails', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'keep.txt'), 'old');
    function* failing(): Generator<string> {
      yield 'partial';
      throw new Error('disk on fire');
    }
    const attempt = writeFilesAtomic([
      { path: join(dir, 'out', 'train.tsv'), data: 'complete\n' },
      { path: join(dir, 'out', 'test.tsv'), data: failing() },
    ]);
    await expect(attempt).rejects.toThrow('disk on fire');
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });

  it('stops on an abort while writing and before renaming, removing what it wrote', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    function* abortsAfterFirstChunk(): Generator<string> {
      yield 'a\n';
      controller.abort(new Error('stop now'));
      controller.signal.throwIfAborted();
    }
    const files = [
      { path: join(dir, 'one.tsv'), data: 'one\n' },
      { path: join(dir, 'two.tsv'), data: abortsAfterFirstChunk() },
    ];
    await expect(writeFilesAtomic(files, controller.signal)).rejects.toThrow('stop now');
    expect(await readdir(dir)).toEqual([]);
    const aborted = AbortSignal.abort(new Error('already cancelled'));
    await expect(writeFilesAtomic([{ path: join(dir, 'x.tsv'), data: 'x' }], aborted)).rejects.toThrow(
      'already cancelled',
    );
    expect(existsSync(join(dir, 'x.tsv'))).toBe(false);
  });

  it('places none of the files when one target became a directory before the renames', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'train.tsv'), 'old train\n');
    await mkdir(join(dir, 'test.tsv'));
    const attempt = writeFilesAtomic([
      { path: join(dir, 'train.tsv'), data: 'new train\n' },
      { path: join(dir, 'test.tsv'), data: 'new test\n' },
    ]);
    await expect(attempt).rejects.toThrow(
      `not replacing ${join(dir, 'test.tsv')}: it is a directory, not a regular file`,
    );
    expect(await readFile(join(dir, 'train.tsv'), 'utf8')).toBe('old train\n');
    expect((await readdir(dir)).sort()).toEqual(['test.tsv', 'train.tsv']);
  });
});
