import { strToU8, zipSync } from 'fflate';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { extractZip, safeEntrySegments } from './unzip.js';

describe('safeEntrySegments', () => {
  it('splits ordinary names and drops "." and empty segments', () => {
    expect(safeEntrySegments('ml-100k/u.data')).toEqual(['ml-100k', 'u.data']);
    expect(safeEntrySegments('./ml-100k//u.data')).toEqual(['ml-100k', 'u.data']);
    expect(safeEntrySegments('ml-100k\\u1.base')).toEqual(['ml-100k', 'u1.base']);
    expect(safeEntrySegments('./')).toBeNull();
  });

  it('refuses absolute paths, drive letters, ".." and NUL bytes', () => {
    for (const name of [
      '/etc/passwd',
      '\\evil',
      'C:/evil',
      'c:evil',
      '../evil',
      'ml-100k/../../evil',
      'a\\..\\..\\b',
      'a\0b',
    ]) {
      expect(() => safeEntrySegments(name, 'x.zip'), name).toThrow(UserError);
    }
    expect(() => safeEntrySegments('ml-100k/../../evil', 'x.zip')).toThrow(
      /refusing to unpack x\.zip: entry "ml-100k\/\.\.\/\.\.\/evil" climbs out/,
    );
    // Names that merely contain dots are fine.
    expect(safeEntrySegments('a..b/..c')).toEqual(['a..b', '..c']);
  });
});

describe('extractZip', () => {
  const tempDir = useTempDirs();

  it('writes every file under the target folder and reports them', async () => {
    const dest = await tempDir();
    const zip = zipSync({
      'ml-100k': { 'u.data': strToU8('1\t2\t3\t4\n'), README: strToU8('hi\n') },
      'top.txt': strToU8(''),
    });
    const result = await extractZip(zip, dest);
    expect(result.files.sort()).toEqual(['ml-100k/README', 'ml-100k/u.data', 'top.txt']);
    expect(result.bytes).toBe(11);
    expect(await readFile(join(dest, 'ml-100k', 'u.data'), 'utf8')).toBe('1\t2\t3\t4\n');
    expect(await readFile(join(dest, 'top.txt'), 'utf8')).toBe('');
  });

  it('refuses a zip-slip entry before writing anything, inside or outside the folder', async () => {
    const parent = await tempDir();
    const dest = join(parent, 'dest');
    await mkdir(dest);
    const zip = zipSync({ 'ml-100k/u.data': strToU8('1\t2\t3\n'), '../evil.txt': strToU8('pwned') });
    await expect(extractZip(zip, dest, { source: 'bad.zip' })).rejects.toThrow(
      /refusing to unpack bad\.zip: entry "\.\.\/evil\.txt"/,
    );
    expect(existsSync(join(parent, 'evil.txt'))).toBe(false);
    expect(await readdir(dest)).toEqual([]);
  });

  it('refuses absolute entry names', async () => {
    const dest = await tempDir();
    const zip = zipSync({ '/tmp/edgerec-evil.txt': strToU8('pwned') });
    await expect(extractZip(zip, dest)).rejects.toThrow(/is an absolute path/);
    expect(await readdir(dest)).toEqual([]);
  });

  it('refuses files over the size limit and archives over the total or entry limits', async () => {
    const dest = await tempDir();
    const zip = zipSync({ 'small.txt': strToU8('ok'), 'big.txt': new Uint8Array(5000) });
    const limits = { maxFileBytes: 4096, maxTotalBytes: 1 << 20, maxEntries: 100 };
    await expect(extractZip(zip, dest, { limits })).rejects.toThrow(
      /"big\.txt" would unpack to 5000 bytes, over the 4096-byte limit/,
    );
    await expect(
      extractZip(zip, dest, { limits: { ...limits, maxFileBytes: 1e6, maxTotalBytes: 4000 } }),
    ).rejects.toThrow(/more than 4000 bytes/);
    await expect(extractZip(zip, dest, { limits: { ...limits, maxFileBytes: 1e6, maxEntries: 1 } })).rejects.toThrow(
      /more than 1 entries/,
    );
    expect(await readdir(dest)).toEqual([]);
  });

  it('refuses two entries that land on the same file', async () => {
    const dest = await tempDir();
    const zip = zipSync({ 'a/b.txt': strToU8('1'), 'a//b.txt': strToU8('2') });
    await expect(extractZip(zip, dest)).rejects.toThrow(/"a\/\/b\.txt" appears twice/);
  });

  it('reports garbage and damaged archives as corrupt', async () => {
    const dest = await tempDir();
    await expect(extractZip(strToU8('<html>not found</html>'), dest, { source: 'x.zip' })).rejects.toThrow(
      /x\.zip is not a valid zip \(corrupt or truncated download\?\)/,
    );
    const zip = zipSync({ 'u.data': strToU8('1\t2\t3\t4\n'.repeat(200)) });
    await expect(extractZip(zip.subarray(0, zip.length - 30), dest)).rejects.toThrow(UserError);
    const damaged = zip.slice();
    for (let i = 40; i < 60; i++) damaged[i] = damaged[i]! ^ 0x5a; // inside the deflate stream
    await expect(extractZip(damaged, dest)).rejects.toThrow(/corrupt/);
  });
});
