// What the readers say about inputs that are not ratings files: special files, /proc files,
// binary data, overflowing numbers and ids the Worker could not serve.
import { MAX_ID_LENGTH } from '@edgerec/core';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../test-utils/rejection.js';
import { useTempDirs, useTempFile } from '../test-utils/temp-files.js';
import { DataError } from './data-error.js';
import { readFirstLines } from './delimited-file.js';
import { longIdWarning } from './long-ids.js';
import { readInteractionsFile } from './read-interactions.js';
import { readRatingsFile } from './read-ratings.js';
import { readFeatureFile } from './side-features.js';

const LINUX = process.platform === 'linux';
const POSIX = process.platform !== 'win32';
const failure = (path: string) => rejectionOf(readRatingsFile(path), DataError);

describe('readers on special files', () => {
  const tempDir = useTempDirs();

  it.runIf(POSIX)('say a FIFO is a named pipe (without blocking on it)', async () => {
    const fifo = join(await tempDir(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const expected = `${fifo}: cannot read ratings: this is a named pipe (FIFO), not a regular file; save the data to a file first`;
    expect((await failure(fifo)).message).toBe(expected);
    expect((await rejectionOf(readInteractionsFile(fifo), DataError)).message).toMatch(
      /cannot read interactions: this is a named pipe \(FIFO\)/,
    );
    expect((await rejectionOf(readFirstLines(fifo, 'ratings'), DataError)).message).toBe(expected);
    expect((await rejectionOf(readFeatureFile(fifo, 'user'), DataError)).message).toMatch(
      /cannot read features: this is a named pipe \(FIFO\)/,
    );
  });

  it.runIf(POSIX)('say /dev/null and /dev/zero are devices, not empty files', async () => {
    expect((await failure('/dev/null')).message).toBe(
      '/dev/null: cannot read ratings: this is a character device, not a regular file',
    );
    expect((await failure('/dev/zero')).message).toBe(
      '/dev/zero: cannot read ratings: this is a character device, not a regular file',
    );
  });

  it.runIf(POSIX)('say a socket is a socket', async () => {
    const path = join(await tempDir(), 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      expect((await failure(path)).message).toBe(`${path}: cannot read ratings: this is a socket, not a regular file`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.runIf(LINUX)('read a /proc file, which stats as size 0, to its end instead of calling it empty', async () => {
    const lines = await readFirstLines('/proc/self/status', 'ratings');
    expect(lines[0]).toMatch(/^Name:\t/);
    const error = await failure('/proc/self/status');
    expect(error.message).not.toMatch(/empty/);
    expect(error.message).toMatch(/^\/proc\/self\/status:1: /);
  });
});

describe('readers on bad bytes and numbers', () => {
  const tempFile = useTempFile();

  it('show at most 40 escaped characters of a binary file', async () => {
    const path = await tempFile(
      'blob.bin',
      Uint8Array.from({ length: 2000 }, (_, k) => (k * 7919) % 256),
    );
    const message = (await failure(path)).message;
    expect(message).toMatch(/^.*blob\.bin: not a text file: it starts with "\\u0000.*"… \(binary data\?\)$/);
    expect(/it starts with (".*"…)/.exec(message)![1]!.length).toBeLessThanOrEqual(40);
    expect(message.length).toBeLessThan(path.length + 120);
  });

  it('say a rating overflows, apart from NaN and Infinity', async () => {
    const big = await tempFile('big.csv', 'user,item,rating\na,x,4\nb,y,1e300\n');
    expect((await failure(big)).message).toBe(
      `${big}:3: rating: overflows: values are stored as 32-bit floats, at most ±3.4e38 (got "1e300")`,
    );
    const nan = await tempFile('nan.csv', 'user,item,rating\na,x,4\nb,y,NaN\n');
    expect((await failure(nan)).message).toBe(`${nan}:3: rating: not a finite number (got "NaN")`);
  });
});

describe('ids longer than the Worker serves', () => {
  const tempFile = useTempFile();
  const long = 'u'.repeat(10_000);

  it('are an error naming file:line, the field and the length', async () => {
    const path = await tempFile('long.tsv', `user\titem\trating\na\tx\t4\n${long}\ty\t3\n`);
    const error = await failure(path);
    expect(error.message).toBe(
      `${path}:3: user: id is 10000 characters long, more than the ${MAX_ID_LENGTH} the Worker serves (--skip-long-ids skips such rows)`,
    );
    expect(error).toMatchObject({ line: 3, field: 'user' });
    const item = await tempFile('item.csv', `user,item\na,${'i'.repeat(MAX_ID_LENGTH + 1)}\n`);
    expect((await rejectionOf(readInteractionsFile(item), DataError)).message).toMatch(
      /item\.csv:2: item: id is 257 characters long/,
    );
  });

  it('accept an id of exactly the limit', async () => {
    const path = await tempFile('edge.tsv', `user\titem\trating\n${'u'.repeat(MAX_ID_LENGTH)}\tx\t4\nb\ty\t3\n`);
    expect((await readRatingsFile(path)).userIds[0]).toHaveLength(MAX_ID_LENGTH);
  });

  it('with skipLongIds are skipped, counted and reported in one warning', async () => {
    const path = await tempFile('mixed.tsv', `user\titem\trating\na\tx\t4\n${long}\ty\t3\nb\t${long}\t2\nc\tz\t5\n`);
    const ratings = await readRatingsFile(path, { skipLongIds: true });
    expect(ratings.ratings.length).toBe(2);
    expect(ratings.userIds).toEqual(['a', 'c']);
    expect(ratings.longIdRows).toBe(2);
    expect(longIdWarning(ratings)).toBe(
      `warning: ${path}: skipped 2 rows whose user or item id is longer than ${MAX_ID_LENGTH} characters, which the Worker cannot serve (--skip-long-ids)`,
    );
    const clicks = await readInteractionsFile(path, { skipLongIds: true });
    expect(clicks).toMatchObject({ longIdRows: 2, userIds: ['a', 'c'] });
    expect(longIdWarning({ file: path, longIdRows: 0 })).toBeUndefined();
  });

  it('when every row is skipped, say so', async () => {
    const path = await tempFile('all.tsv', `user\titem\trating\n${long}\ty\t3\n`);
    expect((await rejectionOf(readRatingsFile(path, { skipLongIds: true }), DataError)).message).toBe(
      `${path}: no ratings: every row (1) has an id longer than ${MAX_ID_LENGTH} characters`,
    );
  });
});
