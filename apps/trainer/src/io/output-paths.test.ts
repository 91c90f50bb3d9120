import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { checkOutputDirectory, checkOutputPaths } from './output-paths.js';

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
      'the test output /dev/null is a character device, not a regular file; choose another path',
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
    await expect(
      checkOutputPaths(outputs(dir, 'train.tsv', 'link.tsv'), { inputs: [input], force: true }),
    ).rejects.toThrow(/the test output .*link\.tsv is the input file/);
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
    await expect(
      checkOutputPaths(outputs(join(dir, 'splits', 'deeper')), { inputs: [], force: false }),
    ).rejects.toThrow(/is not a directory/);
  });

  it.runIf(process.platform !== 'win32')(
    'names the kind of special file an output is: FIFO, link to a device',
    async () => {
      const dir = await tempDir();
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      await symlink('/dev/full', join(dir, 'full'));
      const one = (path: string) => checkOutputPaths([{ label: '--out file', path }], { inputs: [], force: true });
      await expect(one(join(dir, 'fifo'))).rejects.toThrow(
        `the --out file ${join(dir, 'fifo')} is a named pipe (FIFO), not a regular file; choose another path`,
      );
      await expect(one(join(dir, 'full'))).rejects.toThrow(
        `the --out file ${join(dir, 'full')} is a character device, not a regular file; choose another path`,
      );
    },
  );

  it.runIf(process.platform === 'linux')('refuses outputs on /proc, existing or new', async () => {
    const one = (path: string) => checkOutputPaths([{ label: '--out file', path }], { inputs: [], force: true });
    await expect(one('/proc/self/status')).rejects.toThrow(
      'the --out file /proc/self/status is on the proc pseudo file system, not on disk; choose another path',
    );
    await expect(one('/proc/self/new.json')).rejects.toThrow(/is on the proc pseudo file system/);
    await expect(one('/sys/kernel/x.json')).rejects.toThrow(/is on the sysfs pseudo file system/);
  });
});

describe('checkOutputDirectory', () => {
  const tempDir = useTempDirs();

  it('accepts an existing or creatable directory and refuses a file or /proc', async () => {
    const dir = await tempDir();
    await expect(checkOutputDirectory(dir, 'datasets folder')).resolves.toBeUndefined();
    await expect(checkOutputDirectory(join(dir, 'new', 'deeper'), 'datasets folder')).resolves.toBeUndefined();
    await writeFile(join(dir, 'file'), 'x');
    await expect(checkOutputDirectory(join(dir, 'file'), 'datasets folder')).rejects.toThrow(
      `the datasets folder ${join(dir, 'file')} is a file, not a directory`,
    );
    await expect(checkOutputDirectory(join(dir, 'file', 'sub'), 'datasets folder')).rejects.toThrow(
      `cannot create the datasets folder ${join(dir, 'file', 'sub')}: ${join(dir, 'file')} is not a directory`,
    );
    if (process.platform === 'linux')
      await expect(checkOutputDirectory('/proc/self', 'datasets folder')).rejects.toThrow(/proc pseudo file system/);
  });
});
