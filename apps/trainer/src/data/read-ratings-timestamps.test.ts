import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { readRatingsFile } from './read-ratings.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { fixture, useTempFile } from '../test-utils/temp-files.js';

/** The DataError a read rejects with. */
const failure = (path: string) => rejectionOf(readRatingsFile(path), DataError);

describe('readRatingsFile: timestamps', () => {
  const tempFile = useTempFile();

  it.each([
    ['tiny-tab.tsv', 'movielens-100k', [870000001, 870000002, 870000003, 870000004]],
    ['tiny-colons.txt', 'movielens-1m', [970000001, 970000002, 970000003]],
    ['tiny-header.csv', 'movielens-csv', [1100000001, 1100000002, 1100000003]],
  ])('reads the timestamp column of %s (%s)', async (name, format, seconds) => {
    const data = await readRatingsFile(fixture(name));
    expect(data.format).toBe(format);
    expect(data.timestamps).toEqual(Float64Array.from(seconds));
  });

  it.each(['tiny-generic.csv', 'tiny-semicolon.csv', 'tiny-header.tsv', 'tiny-noheader.csv'])(
    'has no timestamps for %s, which has no timestamp column',
    async (name) => {
      const data = await readRatingsFile(fixture(name));
      expect('timestamps' in data).toBe(false);
      expect(data.ratings.length).toBeGreaterThan(1);
    },
  );

  it('finds a timestamp header by name and reads ISO-8601 dates and decimal seconds', async () => {
    const text = 'Created_At,user,item,stars\n2024-01-02,a,x,4\n2024-01-02T12:00:00+01:00,b,x,3\n1704200400.5,c,y,5\n';
    const path = await tempFile('dated.csv', text);
    const data = await readRatingsFile(path);
    expect(data.format).toBe('csv');
    expect(data.ratings).toEqual(Float32Array.of(4, 3, 5));
    const seconds = (iso: string) => Date.parse(iso) / 1000;
    expect(Array.from(data.timestamps!)).toEqual([
      seconds('2024-01-02'),
      seconds('2024-01-02T11:00:00Z'),
      1704200400.5,
    ]);
    const tsv = await tempFile('event.tsv', 'user\titem\trating\tevent time\nu\ti\t1\t5\n');
    expect((await readRatingsFile(tsv)).timestamps).toEqual(Float64Array.of(5));
  });

  it('skips the timestamp column when asked to, without checking it', async () => {
    const path = await tempFile('skip.csv', 'user,item,rating,timestamp\na,x,4,1\nb,y,3,not-a-time\n');
    const data = await readRatingsFile(path, { timestamps: false });
    expect('timestamps' in data).toBe(false);
    expect(data.ratings).toEqual(Float32Array.of(4, 3));
    expect((await failure(path)).field).toBe('timestamp');
  });

  it('ignores a fourth column of a header-less file that is not a MovieLens layout', async () => {
    const csv = await tempFile('four.csv', 'a,x,4,note\nb,y,3,other\n');
    expect('timestamps' in (await readRatingsFile(csv))).toBe(false);
    const forced = await readRatingsFile(fixture('tiny-tab.tsv'), { format: 'tsv' });
    expect('timestamps' in forced).toBe(false);
    const ml = await readRatingsFile(fixture('tiny-tab.tsv'), { format: 'movielens-100k' });
    expect(ml.timestamps).toHaveLength(4);
  });

  it.each([
    ['yesterday', 'not epoch seconds or an ISO-8601 date/time'],
    ['', 'missing value'],
    ['2024-02-30', 'not a valid date/time'],
    ['1e400', 'overflows: more than a 64-bit float holds'],
  ])('rejects the timestamp %j, naming file:line and the field', async (value, problem) => {
    const path = await tempFile('bad-time.csv', `user,item,rating,timestamp\na,x,4,1\nb,y,3,${value}\n`);
    const error = await failure(path);
    expect(error.message).toBe(`${path}:3: timestamp: ${problem} (got ${JSON.stringify(value)})`);
    expect(error).toMatchObject({ line: 3, field: 'timestamp', value });
  });

  it('names a MovieLens line that lacks its timestamp', async () => {
    const path = await tempFile('short.dat', '1::2::3::100\n1::3::4\n');
    expect((await failure(path)).message).toBe(
      `${path}:2: too few columns: expected at least 4 (user, item, rating, timestamp), found 3 (got "1::3::4")`,
    );
  });

  it("keeps timestamps aligned with the surviving rows, a merged row taking the latest ('last', 'mean')", async () => {
    // (a, x) on lines 2, 4, 5 with times 30, 10, 20; (b, y) once.
    const path = await tempFile(
      'dups.tsv',
      'user\titem\trating\tts\na\tx\t1\t30\nb\ty\t2\t7\na\tx\t3\t10\na\tx\t5\t20\n',
    );
    const last = await readRatingsFile(path);
    expect(last.duplicates).toBe(2);
    expect(Array.from(last.ratings)).toEqual([2, 5]);
    expect(Array.from(last.timestamps!)).toEqual([7, 30]);
    expect(Array.from(last.users, (u) => last.userIds[u])).toEqual(['b', 'a']);
    const mean = await readRatingsFile(path, { duplicates: 'mean' });
    expect(Array.from(mean.ratings)).toEqual([3, 2]);
    expect(Array.from(mean.timestamps!)).toEqual([30, 7]);
  });
});
