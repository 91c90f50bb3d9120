import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { detectFormat } from './formats.js';

const F = 'in.txt';

describe('detectFormat', () => {
  it('recognizes the MovieLens layouts', () => {
    expect(detectFormat(['5\t17\t4\t881250000', '6\t17\t3\t881250001'], F)).toEqual({
      format: 'movielens-100k',
      delimiter: '\t',
      header: false,
      columns: { user: 0, item: 1, rating: 2, timestamp: 3 },
    });
    expect(detectFormat(['5::17::4::978300000'], F)).toMatchObject({
      format: 'movielens-1m',
      delimiter: '::',
      header: false,
    });
    expect(detectFormat(['userId,movieId,rating,timestamp', '1,2,3.5,100'], F)).toMatchObject({
      format: 'movielens-csv',
      delimiter: ',',
      header: true,
      columns: { user: 0, item: 1, rating: 2 },
    });
  });

  it('calls other tab files tsv and other comma or semicolon files csv', () => {
    expect(detectFormat(['a\tb\t4'], F)).toMatchObject({ format: 'tsv', header: false });
    expect(detectFormat(['1\t2\t4\t5\textra'], F)).toMatchObject({ format: 'tsv', header: false });
    expect(detectFormat(['a,b,4'], F)).toMatchObject({ format: 'csv', delimiter: ',', header: false });
    expect(detectFormat(['a;b;4'], F)).toMatchObject({ format: 'csv', delimiter: ';', header: false });
    expect(detectFormat(['user,item,rating'], F)).toMatchObject({ format: 'csv', header: true });
  });

  it('finds columns by header name: case, _ - and spaces ignored, first match wins, extras ignored', () => {
    const spec = detectFormat(['Date;Stars;Product-ID;USER_ID;user name;score'], F);
    expect(spec).toMatchObject({
      format: 'csv',
      delimiter: ';',
      header: true,
      columns: { user: 3, item: 2, rating: 1 },
    });
    expect(detectFormat(['uid\tiid\tvalue'], F).columns).toEqual({ user: 0, item: 1, rating: 2 });
    expect(detectFormat(['"Customer Id","Track",Rating'], F).columns).toEqual({ user: 0, item: 1, rating: 2 });
  });

  it('skips leading blank lines, a byte-order mark and a trailing \\r', () => {
    const spec = detectFormat(['\ufeff', '  ', 'movie,user,rating\r'], F);
    expect(spec).toMatchObject({ header: true, columns: { user: 1, item: 0, rating: 2 } });
    expect(detectFormat(['\ufeffuserId,movieId,rating,timestamp\r'], F).format).toBe('movielens-csv');
  });

  it('rejects a header without a user, item or rating column, naming the header line and the columns found', () => {
    const attempt = () => detectFormat(['', 'customer,when,stars'], 'x.csv');
    expect(attempt).toThrow(DataError);
    expect(attempt).toThrow(/^x\.csv:2: header has no item column; columns found: "customer", "when", "stars"/);
    expect(() => detectFormat(['who,what,how'], 'x.csv')).toThrow(/header has no user, item, rating column/);
  });

  it('lists at most 10 columns of a wide header, each cut to 40 characters', () => {
    const header = Array.from({ length: 300 }, (_, k) => `column${k}${'x'.repeat(100)}`).join(',');
    const message = (() => {
      try {
        detectFormat([header], 'wide.csv');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/columns found: "column0x{33}…", .*"column9x{33}…", … \(300 in all\)/);
    expect(message.length).toBeLessThan(700);
  });

  it('rejects a first line with too few columns, or with no delimiter', () => {
    expect(() => detectFormat(['1,2'], 'x.csv')).toThrow(
      'x.csv:1: too few columns: expected at least 3 (user, item, rating), got 2',
    );
    expect(() => detectFormat(['12 13 4'], 'x.csv')).toThrow(/^x\.csv:1: cannot tell the column delimiter/);
  });

  it('reports an empty sample as an empty file', () => {
    expect(() => detectFormat(['', ' \r'], 'x.csv')).toThrow('x.csv: file is empty');
  });

  it('follows a forced format', () => {
    expect(detectFormat(['1\t2\t3\t4'], F, 'tsv').format).toBe('tsv');
    expect(detectFormat(['a;b;4'], F, 'csv')).toMatchObject({ format: 'csv', delimiter: ';' });
    // Forced MovieLens layouts never read a header, so a header line becomes a bad first row later.
    expect(detectFormat(['user\titem\trating'], F, 'movielens-100k')).toMatchObject({ header: false });
    // movielens-csv always has a header, which must name the columns.
    expect(() => detectFormat(['1,2,3,4'], F, 'movielens-csv')).toThrow(/header has no user, item, rating column/);
    expect(() => detectFormat(['1\t2\t3'], F, 'movielens-1m')).toThrow(/too few columns/);
  });
});
