import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { checkReplaceable, writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgerec-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Yields the given chunks, then throws. */
async function* failingAfter(chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
  throw new Error('producer failed');
}

describe('writeFileAtomic', () => {
  it('writes a string or bytes, creating parent directories', async () => {
    const path = join(dir, 'a', 'b', 'out.txt');
    await writeFileAtomic(path, 'héllo\n');
    expect(await readFile(path, 'utf8')).toBe('héllo\n');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['out.txt']);
  });

  it('writes async chunks in order, across several internal batches', async () => {
    const path = join(dir, 'big.txt');
    const line = `${'x'.repeat(99)}\n`;
    async function* chunks() {
      for (let k = 0; k < 30_000; k++) yield k % 2 === 0 ? line : new TextEncoder().encode(line);
    }
    await writeFileAtomic(path, chunks());
    const text = await readFile(path, 'utf8');
    expect(text.length).toBe(3_000_000);
    expect(text).toBe(line.repeat(30_000));
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'out.txt');
    await writeFile(path, 'old contents that are longer');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('leaves the previous file intact and no temp file when the data fails', async () => {
    const path = join(dir, 'out.txt');
    await writeFile(path, 'previous');
    await expect(writeFileAtomic(path, failingAfter(['partial ', 'data']))).rejects.toThrow('producer failed');
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['out.txt']);
  });

  it.runIf(process.platform !== 'win32')(
    'never renames over a directory, a FIFO or a link to a device, and says why',
    async () => {
      await mkdir(join(dir, 'folder'));
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      await symlink('/dev/null', join(dir, 'null-link'));
      await expect(writeFileAtomic(join(dir, 'folder'), 'x')).rejects.toThrow(
        new UserError(`not replacing ${join(dir, 'folder')}: it is a directory, not a regular file`),
      );
      await expect(writeFileAtomic(join(dir, 'fifo'), 'x')).rejects.toThrow(
        /it is a named pipe \(FIFO\), not a regular file/,
      );
      await expect(writeFileAtomic(join(dir, 'null-link'), 'x')).rejects.toThrow(
        /null-link: it is a character device, not a regular file/,
      );
      expect(lstatSync(join(dir, 'fifo')).isFIFO()).toBe(true);
      expect(lstatSync(join(dir, 'null-link')).isSymbolicLink()).toBe(true);
      expect((await readdir(dir)).sort()).toEqual(['fifo', 'folder', 'null-link']);
    },
  );

  it.runIf(process.platform === 'linux')(
    'refuses /proc entries and reports a missing permission as a UserError',
    async () => {
      await expect(checkReplaceable('/proc/self/status')).rejects.toThrow(
        'not replacing /proc/self/status: it is on the proc pseudo file system',
      );
      await expect(checkReplaceable(join(dir, 'absent'))).resolves.toBeUndefined();
      await expect(writeFileAtomic('/proc/self/edgerec-test', 'x')).rejects.toThrow(UserError);
    },
  );

  it('removes the temp file when the final rename fails', async () => {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'child'), { recursive: true });
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['child']);
  });
});
