import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { detectInteractionsFormat, interactionSource } from './interactions-format.js';
import { UserError } from '../user-error.js';

const F = 'clicks.txt';

describe('detectInteractionsFormat', () => {
  it('reads user,item pairs with or without a header', () => {
    expect(detectInteractionsFormat(['u1,i1', 'u2,i1'], F)).toEqual({
      format: 'csv',
      delimiter: ',',
      header: false,
      columns: { user: 0, item: 1 },
    });
    expect(detectInteractionsFormat(['Customer ID\tProduct ID'], F)).toMatchObject({
      header: true,
      columns: { user: 0, item: 1 },
    });
    expect(detectInteractionsFormat(['7\t9'], F)).toMatchObject({ format: 'tsv', header: false });
  });

  it('finds weight, rating and timestamp columns by header name', () => {
    const spec = detectInteractionsFormat(['event_time,user_id,track_id,play_count'], F);
    expect(spec.columns).toEqual({ user: 1, item: 2, weight: 3, timestamp: 0 });
    expect(interactionSource(spec.columns)).toBe('interactions');
    const rated = detectInteractionsFormat(['userId,movieId,rating,timestamp'], F);
    expect(rated).toMatchObject({ format: 'movielens-csv', columns: { user: 0, item: 1, rating: 2, timestamp: 3 } });
    expect(interactionSource(rated.columns)).toBe('ratings');
  });

  it('reads header-less files of three or more columns as user,item,rating[,timestamp]', () => {
    const ml = detectInteractionsFormat(['5\t17\t4\t881250000'], F);
    expect(ml).toMatchObject({ format: 'movielens-100k', columns: { user: 0, item: 1, rating: 2, timestamp: 3 } });
    expect(interactionSource(ml.columns)).toBe('ratings');
    expect(detectInteractionsFormat(['a,b,4,extra'], F).columns).toEqual({ user: 0, item: 1, rating: 2 });
  });

  it('forces a weight column by name or 1-based number, taking it from another role', () => {
    expect(detectInteractionsFormat(['user,item,score,n'], F, 'auto', 'n').columns).toEqual({
      user: 0,
      item: 1,
      rating: 2,
      weight: 3,
    });
    expect(detectInteractionsFormat(['user,item,Score'], F, 'auto', 'score').columns).toEqual({
      user: 0,
      item: 1,
      weight: 2,
    });
    const positional = detectInteractionsFormat(['u1\ti1\t3\t881250000'], F, 'auto', '4');
    expect(positional.columns).toEqual({ user: 0, item: 1, rating: 2, weight: 3 });
    expect(interactionSource(positional.columns)).toBe('interactions');
  });

  it('rejects a weight column that is out of range, unknown, an id column, or a name without a header', () => {
    expect(() => detectInteractionsFormat(['u,i,3'], F, 'auto', '4')).toThrow(UserError);
    expect(() => detectInteractionsFormat(['u,i,3'], F, 'auto', '4')).toThrow(
      'weight column 4 is out of range: clicks.txt has 3 columns',
    );
    expect(() => detectInteractionsFormat(['u,i,3'], F, 'auto', '0')).toThrow(/out of range/);
    expect(() => detectInteractionsFormat(['user,item,n'], F, 'auto', 'plays')).toThrow(
      'clicks.txt has no column named "plays" (columns: "user", "item", "n")',
    );
    expect(() => detectInteractionsFormat(['user,item,n'], F, 'auto', '1')).toThrow(
      'weight column 1 of clicks.txt is its user id column',
    );
    expect(() => detectInteractionsFormat(['u,i,3'], F, 'auto', 'count')).toThrow(
      /"count" is a name, but clicks\.txt has no header line/,
    );
  });

  it('rejects a header without user or item, and a single column', () => {
    const attempt = () => detectInteractionsFormat(['customer,clicks,day'], F);
    expect(attempt).toThrow(DataError);
    expect(attempt).toThrow(/^clicks\.txt:1: header has no item column; columns found: "customer", "clicks", "day"/);
    expect(() => detectInteractionsFormat(['', 'u1'], F, 'tsv')).toThrow(
      /^clicks\.txt:2: too few columns: expected at least 2 \(user, item\), got 1/,
    );
  });
});
