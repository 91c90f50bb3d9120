import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { checkOutputPaths } from './output-paths.js';

describe('checkOutputPaths', () => {
  const tempDir = useTempDirs();
  const outputs = (dir: string, train = 'train.tsv', test = 'test.tsv') => [
    { label: 'train output', path: join(dir, train) },
    { label: 'test output', path: join(dir, test) },
  ];

  it('accepts new files in an existing or a creatable directory', async () => {
    const dir = await tempDir();
    await expect(checkOutputPaths(outputs(dir), { inputs: [], force: false })).resolves.toBeUndefined();
    await expect(checkOutputPaths(outputs(join(dir, 'a', 'b')), { inputs: [], force: false })).resolves.toBeUndefined();
  });

  it('refuses an existing file unless forced, and a directory or special file even then', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'train.tsv'), 'old');
    const attempt = checkOutputPaths(outputs(dir), { inputs: [], force: false });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(checkOutputPaths(outputs(dir), { inputs: [], force: false })).rejects.toThrow(
      `the train output ${join(dir, 'train.tsv')} already exists (use --force to overwrite it)`,
    );
    await expect(checkOutputPaths(outputs(dir), { inputs: [], force: true })).resolves.toBeUndefined();
    await mkdir(join(dir, 'test.tsv'));
    await expect(checkOutputPaths(outputs(dir), { inputs: [], force: true })).rejects.toThrow(
      `the test output ${join(dir, 'test.tsv')} is a directory`,
    );
    const special = [{ label: 'test output', path: '/dev/null' }];
    await expect(checkOutputPaths(special, { inputs: [], force: true })).rejects.toThrow(
      'the test output /dev/null exists and is not a regular file',
    );
  });

  it('refuses an output that is the input, by path or through a link, and two outputs that are one file', async () => {
    const dir = await tempDir();
    const input = join(dir, 'ratings.tsv');
    await writeFile(input, 'u\ti\t1\n');
    await expect(checkOutputPaths(outputs(dir, 'ratings.tsv'), { inputs: [input], force: true })).rejects.toThrow(
      `the train output ${input} is the input file ${input}; choose another output`,
    );
    await symlink(input, join(dir, 'link.tsv'));
    await expect(checkOutputPaths(outputs(dir, 'train.tsv', 'link.tsv'), { inputs: [input], force: true })).rejects.toThrow(
      /the test output .*link\.tsv is the input file/,
    );
    await expect(checkOutputPaths(outputs(dir, 'same.tsv', './same.tsv'), { inputs: [], force: true })).rejects.toThrow(
      `the train output and the test output are the same file: ${join(dir, 'same.tsv')}`,
    );
  });

  it('refuses an output directory that is a file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'splits'), 'not a directory');
    await expect(checkOutputPaths(outputs(join(dir, 'splits')), { inputs: [], force: true })).rejects.toThrow(
      `cannot write the train output into ${join(dir, 'splits')}: ${join(dir, 'splits')} is not a directory`,
    );
    await expect(checkOutputPaths(outputs(join(dir, 'splits', 'deeper')), { inputs: [], force: false })).rejects.toThrow(
      /is not a directory/,
    );
  });
});
