import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { readInteractionsFile, type InteractionsFile, type ReadInteractionsOptions } from './read-interactions.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { fixture, useTempDirs, useTempFile } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';

/** The file as (user, item, weight) triples of ids, in row order. */
function pairs(data: InteractionsFile): [string, string, number][] {
  return Array.from(data.weights, (weight, r) => [
    data.userIds[data.users[r]!]!,
    data.itemIds[data.items[r]!]!,
    weight,
  ]);
}

/** The DataError a read rejects with. */
const failure = (path: string, options?: ReadInteractionsOptions) =>
  rejectionOf(readInteractionsFile(path, options), DataError);

describe('readInteractionsFile: formats', () => {
  const tempFile = useTempFile();

  it('reads header-less user,item pairs, each weighing 1', async () => {
    const path = await tempFile('pairs.tsv', 'u1\ti1\nu2\ti1\nu1\ti2\n');
    const data = await readInteractionsFile(path);
    expect(data).toMatchObject({ format: 'tsv', source: 'interactions', duplicates: 0, belowMinRating: 0, lines: 3 });
    expect(pairs(data)).toEqual([
      ['u1', 'i1', 1],
      ['u2', 'i1', 1],
      ['u1', 'i2', 1],
    ]);
    expect('timestamps' in data).toBe(false);
    expect('ratings' in data).toBe(false);
    const named = await tempFile('named.csv', 'user_id,item_id\nu1,i1\n');
    expect(pairs(await readInteractionsFile(named))).toEqual([['u1', 'i1', 1]]);
  });

  it('reads a weight column and a timestamp column by header name', async () => {
    const path = await tempFile(
      'plays.csv',
      'listener,ts,artist,user,plays\nx,2024-01-02T00:00:00Z,a1,ann,12\ny,1700000000,a2,bob,0.5\n',
    );
    const data = await readInteractionsFile(path);
    expect(data.source).toBe('interactions');
    expect(pairs(data)).toEqual([
      ['ann', 'a1', 12],
      ['bob', 'a2', 0.5],
    ]);
    expect(Array.from(data.timestamps!)).toEqual([Date.parse('2024-01-02T00:00:00Z') / 1000, 1700000000]);
  });

  it.each([
    ['tiny-tab.tsv', 'movielens-100k', [4, 3, 5, 2], true],
    ['tiny-colons.txt', 'movielens-1m', [5, 3, 4], true],
    ['tiny-header.csv', 'movielens-csv', [3.5, 4, 0.5], true],
    ['tiny-noheader.csv', 'csv', [4, 5, 3], false],
    ['tiny-semicolon.csv', 'csv', [4, 3.5, 2], false],
  ])(
    'reads the ratings file %s (%s) as interactions of weight 1, keeping its ratings',
    async (name, format, ratings, timed) => {
      const data = await readInteractionsFile(fixture(name));
      expect(data).toMatchObject({ format, source: 'ratings' });
      expect(Array.from(data.ratings!)).toEqual(ratings);
      expect(Array.from(data.weights)).toEqual(ratings.map(() => 1));
      expect(data.timestamps !== undefined).toBe(timed);
    },
  );

  it('takes a forced weight column by 1-based number or header name', async () => {
    const counts = await tempFile('counts.tsv', 'u1\ti1\t3\nu2\ti1\t2\n');
    expect((await readInteractionsFile(counts)).source).toBe('ratings');
    const forced = await readInteractionsFile(counts, { weightColumn: 3 });
    expect(forced.source).toBe('interactions');
    expect(pairs(forced)).toEqual([
      ['u1', 'i1', 3],
      ['u2', 'i1', 2],
    ]);
    const named = await tempFile('named.csv', 'user,item,n\na,x,7\n');
    expect(pairs(await readInteractionsFile(named, { weightColumn: 'n' }))).toEqual([['a', 'x', 7]]);
    await expect(readInteractionsFile(named, { weightColumn: 'hits' })).rejects.toThrow(UserError);
  });
});

describe('readInteractionsFile: repeated pairs and minRating', () => {
  const tempFile = useTempFile();

  it('sums the weights of a repeated pair at its first row, keeping the latest timestamp', async () => {
    const path = await tempFile(
      'clicks.csv',
      'user,item,clicks,time\na,x,1,50\nb,x,2,10\na,x,3,40\na,y,1,5\na,x,0.5,60\n',
    );
    const data = await readInteractionsFile(path);
    expect(data.duplicates).toBe(2);
    expect(pairs(data)).toEqual([
      ['a', 'x', 4.5],
      ['b', 'x', 2],
      ['a', 'y', 1],
    ]);
    expect(Array.from(data.timestamps!)).toEqual([60, 10, 5]);
  });

  it('counts the rows of a repeated pair of a ratings file as its weight, with the highest rating', async () => {
    const path = await tempFile('rated.tsv', 'a\tx\t2\t100\na\tx\t5\t90\nb\ty\t3\t80\na\tx\t4\t70\n');
    const data = await readInteractionsFile(path, { format: 'movielens-100k' });
    expect(data.duplicates).toBe(2);
    expect(pairs(data)).toEqual([
      ['a', 'x', 3],
      ['b', 'y', 1],
    ]);
    expect(Array.from(data.ratings!)).toEqual([5, 3]);
    expect(Array.from(data.timestamps!)).toEqual([100, 80]);
  });

  it('keeps only rows rated at least minRating, counting the rest, before merging repeats', async () => {
    const path = await tempFile('rated.csv', 'user,item,rating\na,x,5\na,y,2\nb,x,4\nb,x,3.5\nc,z,3.4\n');
    const data = await readInteractionsFile(path, { minRating: 3.5 });
    expect(data.belowMinRating).toBe(2);
    expect(data.duplicates).toBe(1);
    expect(pairs(data)).toEqual([
      ['a', 'x', 1],
      ['b', 'x', 2],
    ]);
    expect(Array.from(data.ratings!)).toEqual([5, 4]);
    expect(data.userIds).toEqual(['a', 'b']);
  });

  it('filters by the rating column of a file that also has weights', async () => {
    const path = await tempFile('both.csv', 'user,item,rating,count\na,x,5,3\na,y,1,9\n');
    const data = await readInteractionsFile(path, { minRating: 4 });
    expect(data.source).toBe('interactions');
    expect(pairs(data)).toEqual([['a', 'x', 3]]);
    expect(data.belowMinRating).toBe(1);
  });

  it('refuses minRating for a file without ratings, and rejects every row falling below it', async () => {
    const clicks = await tempFile('clicks.csv', 'user,item,clicks\na,x,1\n');
    const attempt = readInteractionsFile(clicks, { minRating: 4 });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(readInteractionsFile(clicks, { minRating: 4 })).rejects.toThrow(
      `a minimum rating needs a rating column, but ${clicks} has none (columns: user, item, weight)`,
    );
    const low = await tempFile('low.csv', 'a,x,1\nb,y,2\n');
    expect((await failure(low, { minRating: 3 })).message).toBe(
      `${low}: no interactions: all 2 rows have a rating below the minimum 3`,
    );
    await expect(readInteractionsFile(low, { minRating: Number.NaN })).rejects.toThrow(
      /minimum rating must be a finite number/,
    );
  });
});

describe('readInteractionsFile: bad input', () => {
  const tempFile = useTempFile();
  const tempDir = useTempDirs();

  it('reports a missing file, a directory, an empty file and a header without rows', async () => {
    const dir = await tempDir();
    expect((await failure(join(dir, 'nope.tsv'))).message).toBe(
      `${join(dir, 'nope.tsv')}: cannot read interactions: no such file`,
    );
    await mkdir(join(dir, 'sub'));
    const sub = join(dir, 'sub');
    expect((await failure(sub)).message).toBe(`${sub}: cannot read interactions: this is a directory, not a file`);
    const empty = await tempFile('empty.tsv', '');
    expect((await failure(empty)).message).toBe(`${empty}: file is empty`);
    const blank = await tempFile('blank.tsv', '\n  \n');
    expect((await failure(blank)).message).toBe(`${blank}: file is empty`);
    const header = await tempFile('header.csv', 'user,item,weight\n\n');
    expect((await failure(header)).message).toBe(
      `${header}: no interactions: the file has a header line but no data rows`,
    );
  });

  it('rejects binary garbage as not a text file, showing a short escaped prefix', async () => {
    const path = await tempFile(
      'garbage.bin',
      Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49),
    );
    const error = await failure(path);
    expect(error.message).toBe(
      `${path}: not a text file: it starts with "\\u0089PNG\\r\\n\\u001a\\n\\u0000\\u0000"… (binary data?)`,
    );
  });

  it('names the line with too few columns, and a missing id', async () => {
    const short = await tempFile('short.csv', 'user,item,count\na,x,1\nb,y\n');
    const error = await failure(short);
    expect(error.message).toBe(
      `${short}:3: too few columns: expected at least 3 (user, item, weight), found 2 (got "b,y")`,
    );
    expect(error.line).toBe(3);
    const user = await tempFile('user.tsv', 'u1\ti1\n \ti2\n');
    expect((await failure(user)).message).toBe(`${user}:2: user: missing id`);
    const item = await tempFile('item.csv', 'user,item\na,x\n\nb,""\n');
    expect(await failure(item)).toMatchObject({ message: `${item}:4: item: missing id`, line: 4, field: 'item' });
  });

  it.each([
    ['0', 'must be a number greater than 0'],
    ['-2', 'must be a number greater than 0'],
    ['1e-60', 'must be a number greater than 0'],
    ['', 'missing value'],
    ['many', 'not a number'],
    ['Infinity', 'not a finite number'],
    ['NaN', 'not a finite number'],
  ])('rejects the weight %j: %s', async (value, problem) => {
    const path = await tempFile('weights.csv', `user,item,weight\na,x,1\nb,y,${value}\n`);
    const error = await failure(path);
    expect(error.message).toBe(`${path}:3: weight: ${problem} (got ${JSON.stringify(value)})`);
    expect(error).toMatchObject({ file: path, line: 3, field: 'weight', value });
  });

  it('names a bad rating or timestamp with its field', async () => {
    const rating = await tempFile('rating.tsv', 'a\tx\t4\nb\ty\tfive\n');
    expect((await failure(rating)).message).toBe(`${rating}:2: rating: not a number (got "five")`);
    const time = await tempFile('time.csv', 'user,item,date\na,x,2024-01-01\nb,y,01/02/2024\n');
    expect(await failure(time)).toMatchObject({
      message: `${time}:3: timestamp: not epoch seconds or an ISO-8601 date/time (got "01/02/2024")`,
      field: 'timestamp',
    });
  });

  it('turns a CSV syntax error into a DataError with its line, and rejects an unknown format', async () => {
    const quote = await tempFile('quote.csv', 'user,item\na,x\n"b,y\nc,z\n');
    const error = await failure(quote);
    expect(error.message).toMatch(
      new RegExp(`^${quote.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+: malformed file: .*Quote Not Closed`),
    );
    await expect(readInteractionsFile(quote, { format: 'json' as 'csv' })).rejects.toThrow(
      'unknown ratings format "json"',
    );
  });
});
