import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import type { RatingsTable } from './ratings-table.js';
import { OVERFLOW } from './rating-value.js';
import { readRatingsFile } from './read-ratings.js';
import { fixture, useTempDirs, useTempFile } from '../test-utils/temp-files.js';

/** The table as (user, item, rating) triples of ids, in row order. */
function triples(table: RatingsTable): [string, string, number][] {
  return Array.from(table.ratings, (rating, r) => [
    table.userIds[table.users[r]!]!,
    table.itemIds[table.items[r]!]!,
    rating,
  ]);
}

/** The DataError a read rejects with. */
async function failure(path: string, options?: Parameters<typeof readRatingsFile>[1]): Promise<DataError> {
  const error: unknown = await readRatingsFile(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readRatingsFile: formats', () => {
  it('reads a MovieLens 100K style tab file', async () => {
    const data = await readRatingsFile(fixture('tiny-tab.tsv'));
    expect(data.format).toBe('movielens-100k');
    expect(triples(data)).toEqual([
      ['1', '10', 4],
      ['1', '12', 3],
      ['2', '10', 5],
      ['3', '11', 2],
    ]);
    expect(data.userIds).toEqual(['1', '2', '3']);
    expect(data.itemIds).toEqual(['10', '12', '11']);
    expect(Array.from(data.users)).toEqual([0, 0, 1, 2]);
    expect(data.lines).toBe(4);
    expect(data.duplicates).toBe(0);
    expect(data.file).toBe(fixture('tiny-tab.tsv'));
  });

  it('reads a MovieLens 1M style :: file', async () => {
    const data = await readRatingsFile(fixture('tiny-colons.txt'));
    expect(data.format).toBe('movielens-1m');
    expect(triples(data)).toEqual([
      ['1', '20', 5],
      ['1', '21', 3],
      ['2', '20', 4],
    ]);
  });

  it('reads a MovieLens ratings.csv style file with its header and half stars', async () => {
    const data = await readRatingsFile(fixture('tiny-header.csv'));
    expect(data.format).toBe('movielens-csv');
    expect(triples(data)).toEqual([
      ['1', '30', 3.5],
      ['1', '31', 4],
      ['2', '30', 0.5],
    ]);
    expect(data.lines).toBe(4);
  });

  it('reads a generic CSV by header names, ignoring extra (quoted) columns', async () => {
    const data = await readRatingsFile(fixture('tiny-generic.csv'));
    expect(data.format).toBe('csv');
    expect(triples(data)).toEqual([
      ['c-7', 'p-1', 5],
      ['c-8', 'p-1', 2],
      ['c-7', 'p-2', 4],
    ]);
  });

  it('reads a semicolon CSV, accepting a decimal comma', async () => {
    const data = await readRatingsFile(fixture('tiny-semicolon.csv'));
    expect(data.format).toBe('csv');
    expect(triples(data)).toEqual([
      ['ann', 'tea', 4],
      ['bob', 'tea', 3.5],
      ['ann', 'coffee', 2],
    ]);
  });

  it('reads a generic TSV with a header and a headerless CSV', async () => {
    const tsv = await readRatingsFile(fixture('tiny-header.tsv'));
    expect(tsv.format).toBe('tsv');
    expect(triples(tsv)).toEqual([
      ['u-a', 'i-x', 1],
      ['u-b', 'i-y', 2],
    ]);
    const csv = await readRatingsFile(fixture('tiny-noheader.csv'));
    expect(csv.format).toBe('csv');
    expect(triples(csv)).toEqual([
      ['alice', 'book-1', 4],
      ['bob', 'book-2', 5],
      ['alice', 'book-2', 3],
    ]);
  });

  it('follows a forced format', async () => {
    const asTsv = await readRatingsFile(fixture('tiny-tab.tsv'), { format: 'tsv' });
    expect(asTsv.format).toBe('tsv');
    expect(triples(asTsv)).toEqual(triples(await readRatingsFile(fixture('tiny-tab.tsv'))));
    expect((await readRatingsFile(fixture('tiny-header.csv'), { format: 'csv' })).format).toBe('csv');
    const wrong = await failure(fixture('tiny-header.csv'), { format: 'movielens-100k' });
    expect(wrong.message).toMatch(/:1: too few columns/);
    const header = await failure(fixture('tiny-header.tsv'), { format: 'movielens-100k' });
    expect(header.message).toBe(`${fixture('tiny-header.tsv')}:1: rating: not a number (got "Rating")`);
  });

  it('rejects an unknown format or duplicate policy', async () => {
    const path = fixture('tiny-tab.tsv');
    await expect(readRatingsFile(path, { format: 'xml' as 'csv' })).rejects.toThrow('unknown ratings format "xml"');
    await expect(readRatingsFile(path, { duplicates: 'first' as 'last' })).rejects.toThrow(
      /unknown duplicate policy "first"/,
    );
  });
});

describe('readRatingsFile: line handling', () => {
  const tempFile = useTempFile();

  it('handles CRLF line ends', async () => {
    const path = await tempFile('crlf.csv', 'user,item,rating\r\na,x,1\r\nb,y,2\r\n');
    const data = await readRatingsFile(path);
    expect(triples(data)).toEqual([
      ['a', 'x', 1],
      ['b', 'y', 2],
    ]);
    expect(data.lines).toBe(3);
    const bad = await tempFile('crlf-bad.tsv', 'a\tx\t1\r\nb\ty\t\r\n');
    expect((await failure(bad)).message).toBe(`${bad}:2: rating: missing value (got "")`);
  });

  it('skips blank and space-only lines and still numbers lines correctly', async () => {
    const path = await tempFile('blank.tsv', '\n  \nuser\titem\trating\n\na\tx\t1\n   \n\nb\ty\t2\n\n');
    const data = await readRatingsFile(path);
    expect(triples(data)).toEqual([
      ['a', 'x', 1],
      ['b', 'y', 2],
    ]);
    expect(data.lines).toBe(9);
    const bad = await tempFile('blank-bad.tsv', '\na\tx\t1\n\n \nb\ty\tfive\n');
    const error = await failure(bad);
    expect(error.message).toBe(`${bad}:5: rating: not a number (got "five")`);
    expect(error).toMatchObject({ file: bad, line: 5, field: 'rating' });
  });

  it('drops a UTF-8 byte-order mark and counts a last line without a newline', async () => {
    const path = await tempFile('bom.tsv', '\ufeff7\t8\t3\n9\t8\t4');
    const data = await readRatingsFile(path);
    expect(data.userIds).toEqual(['7', '9']);
    expect(data.format).toBe('tsv');
    expect(data.lines).toBe(2);
  });

  it('detects the format when the first lines are longer than the detection sample', async () => {
    const long = 'n'.repeat(1_300_000);
    const header = await tempFile('long-header.csv', `user,item,rating,note\na,x,1,${long}\nb,y,2,z\n`);
    expect(triples(await readRatingsFile(header))).toEqual([
      ['a', 'x', 1],
      ['b', 'y', 2],
    ]);
    const first = await tempFile('long-first.csv', `a,x,1,${long}\nb,y,2,z\n`);
    const data = await readRatingsFile(first);
    expect(data.format).toBe('csv');
    expect(data.ratings).toEqual(Float32Array.of(1, 2));
  }, 30_000); // two 1.3 MB lines through the CSV parser: ~2 s alone, over 5 s with the other packages' tests in parallel

  it('trims ids and keeps them opaque ("007" and "7" differ)', async () => {
    const path = await tempFile('ids.csv', ' 007 , x ,4\n7,x,3\n');
    const data = await readRatingsFile(path);
    expect(data.userIds).toEqual(['007', '7']);
    expect(data.itemIds).toEqual(['x']);
  });

  it('reads a last line without a newline, and a quoted field spanning lines', async () => {
    const path = await tempFile('quoted.csv', 'user,item,rating,note\na,x,1,"two\nlines"\nb,y,2,plain\nc,z,oops,x');
    const error = await failure(path);
    expect(error.line).toBe(5);
    expect(error.message).toBe(`${path}:5: rating: not a number (got "oops")`);
    const good = await tempFile('quoted-good.csv', 'user,item,rating,note\na,x,1,"two\nlines"\nb,y,2,plain');
    expect(triples(await readRatingsFile(good))).toEqual([
      ['a', 'x', 1],
      ['b', 'y', 2],
    ]);
  });

  it('reports progress ending at the file size, and the sha256 of the bytes', async () => {
    const lines = Array.from({ length: 40_000 }, (_, r) => `u${r % 997}\ti${r}\t${1 + (r % 5)}\n`).join('');
    const path = await tempFile('big.tsv', lines);
    const calls: [number, number][] = [];
    const data = await readRatingsFile(path, { onProgress: (read, total) => calls.push([read, total]) });
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThan(256 * 1024 * 2);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([size, size]);
    for (let k = 1; k < calls.length; k++) expect(calls[k]![0]).toBeGreaterThan(calls[k - 1]![0]);
    expect(data.sha256).toBe(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
    expect(data.ratings.length).toBe(40_000);
    expect(data.userIds.length).toBe(997);
    expect(data.lines).toBe(40_000);
    expect(triples(data)[39_999]).toEqual([`u${39_999 % 997}`, 'i39999', 5]);
  });
});

describe('readRatingsFile: bad input', () => {
  const tempFile = useTempFile();
  const tempDir = useTempDirs();

  it('reports a missing file or a directory clearly', async () => {
    const dir = await tempDir();
    const missing = `${dir}/nope.tsv`;
    const error = await failure(missing);
    expect(error.message).toBe(`${missing}: cannot read ratings: no such file`);
    expect(error.message).not.toMatch(/ENOENT/);
    expect((await failure(dir)).message).toBe(`${dir}: cannot read ratings: this is a directory, not a file`);
  });

  it('rejects an empty file, a blank file and a header with no rows', async () => {
    const empty = await tempFile('empty.csv', '');
    expect((await failure(empty)).message).toBe(`${empty}: file is empty`);
    const blank = await tempFile('blank.csv', '\n \r\n\n');
    expect((await failure(blank)).message).toBe(`${blank}: file is empty`);
    const headerOnly = await tempFile('header.csv', 'userId,movieId,rating,timestamp\n\n');
    expect((await failure(headerOnly)).message).toBe(
      `${headerOnly}: no ratings: the file has a header line but no data rows`,
    );
  });

  it('names the line with too few columns', async () => {
    const path = await tempFile('short.tsv', 'a\tx\t1\nb\ty\n');
    const error = await failure(path);
    expect(error.message).toBe(
      `${path}:2: too few columns: expected at least 3 (user, item, rating), found 2 (got "b\\ty")`,
    );
    expect(error.line).toBe(2);
  });

  it('counts columns against the header columns in use', async () => {
    const path = await tempFile('wide.csv', 'when,user,item,rating\n1,a,x,4\n2,b,y\n');
    expect((await failure(path)).message).toBe(
      `${path}:3: too few columns: expected at least 4 (user, item, rating), found 3 (got "2,b,y")`,
    );
  });

  it('names a missing user or item id', async () => {
    const user = await tempFile('user.csv', 'a,x,1\n ,y,2\n');
    expect((await failure(user)).message).toBe(`${user}:2: user: missing id`);
    const item = await tempFile('item.csv', 'user,item,rating\na,x,1\nb,x,2\nc,"",3\n');
    const error = await failure(item);
    expect(error.message).toBe(`${item}:4: item: missing id`);
    expect(error).toMatchObject({ line: 4, field: 'item' });
  });

  it.each([
    ['', 'missing value'],
    ['abc', 'not a number'],
    ['4 stars', 'not a number'],
    ['0x10', 'not a number'],
    ['NaN', 'not a finite number'],
    ['-Infinity', 'not a finite number'],
    ['1e999', OVERFLOW],
    ['1e300', OVERFLOW],
    ['1e39', OVERFLOW],
  ])('rejects the rating %j: %s', async (value, problem) => {
    const path = await tempFile('rating.csv', `user,item,rating\na,x,4\nb,y,${value}\n`);
    const error = await failure(path);
    expect(error.message).toBe(`${path}:3: rating: ${problem} (got ${JSON.stringify(value)})`);
    expect(error).toMatchObject({ file: path, line: 3, field: 'rating', value });
  });

  it('rejects an invalid header', async () => {
    const path = await tempFile('header.csv', 'person,thing,when\na,x,3\n');
    expect((await failure(path)).message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1: header has no item, rating column; columns found: "person", "thing", "when"`,
      ),
    );
  });

  it('turns a CSV syntax error into a DataError with its line', async () => {
    const path = await tempFile('quote.csv', 'user,item,rating\na,x,4\n"b,y,5\nc,z,1\n');
    const error = await failure(path);
    expect(error.message).toMatch(/malformed file: .*Quote Not Closed/);
    expect(error.message.startsWith(`${path}:`)).toBe(true);
  });
});

describe('readRatingsFile: duplicate (user, item) pairs', () => {
  const tempFile = useTempFile();
  // Lines 2, 4 and 6 rate (a, x); line 7 repeats (b, x).
  const text = 'user,item,rating\na,x,4\na,y,3\na,x,2\nb,x,5\na,x,5\nb,x,1\nc,z,3\n';

  it("keeps the last occurrence by default ('last'), in file order", async () => {
    const data = await readRatingsFile(await tempFile('dups.csv', text));
    expect(triples(data)).toEqual([
      ['a', 'y', 3],
      ['a', 'x', 5],
      ['b', 'x', 1],
      ['c', 'z', 3],
    ]);
    expect(data.duplicates).toBe(3);
    expect(data.userIds).toEqual(['a', 'b', 'c']);
  });

  it("averages them at the first occurrence ('mean')", async () => {
    const data = await readRatingsFile(await tempFile('dups.csv', text), { duplicates: 'mean' });
    const rows = triples(data);
    expect(rows.map(([u, i]) => `${u}/${i}`)).toEqual(['a/x', 'a/y', 'b/x', 'c/z']);
    expect(rows[0]![2]).toBeCloseTo(11 / 3, 6);
    expect(rows[2]![2]).toBe(3);
    expect(data.duplicates).toBe(3);
  });

  it("fails on the first repeat in file order ('error'), naming both lines", async () => {
    const path = await tempFile('dups.csv', text);
    const error = await failure(path, { duplicates: 'error' });
    expect(error.message).toBe(
      `${path}:4: duplicate rating for user "a" and item "x", first given on line 2 (choose another duplicate policy to merge them)`,
    );
    expect(error.line).toBe(4);
    const later = await tempFile('dups-later.csv', 'user,item,rating\nb,x,1\n\na,x,1\nb,x,2\na,x,3\n');
    expect((await failure(later, { duplicates: 'error' })).message).toMatch(
      /:5: duplicate rating for user "b" and item "x", first given on line 2/,
    );
  });

  it('leaves a file without repeats untouched under every policy', async () => {
    const path = fixture('tiny-generic.csv');
    const last = await readRatingsFile(path);
    for (const duplicates of ['mean', 'error'] as const) {
      expect(triples(await readRatingsFile(path, { duplicates }))).toEqual(triples(last));
    }
  });
});
