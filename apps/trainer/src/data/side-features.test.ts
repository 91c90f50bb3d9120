import { isUtf8 } from 'node:buffer';
import { createIdIndex } from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { fixture, useTempFile } from '../test-utils/temp-files.js';
import { DataError } from './data-error.js';
import { alignFeatures, readFeatureFile, type FeatureFile } from './side-features.js';

/** Each entity's feature names, in the order they were given. */
function byEntity(file: FeatureFile): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const id of file.ids) result[id] = [];
  for (let r = 0; r < file.owners.length; r++) {
    result[file.ids[file.owners[r]!]!]!.push(file.features[file.members[r]!]!);
  }
  return result;
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The DataError a read rejects with. */
async function failure(...args: Parameters<typeof readFeatureFile>): Promise<DataError> {
  const error = await rejection(readFeatureFile(...args));
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const GENRE_COUNT = 19;
const useTemp = useTempFile();

/** A u.item line with the given genre flag positions set. */
function itemLine(id: string, title: string, date: string, flags: number[]): string {
  const genres = Array.from({ length: GENRE_COUNT }, (_, i) => (flags.includes(i) ? '1' : '0'));
  return [id, title, date, '', 'http://example.org/', ...genres].join('|');
}

describe('readFeatureFile: MovieLens formats', () => {
  it('reads a u.user style file: age buckets, gender, occupation, zip digit', async () => {
    const data = await readFeatureFile(fixture('tiny-users-pipe.txt'), 'user');
    expect(data.format).toBe('movielens-user');
    expect(data.file).toBe(fixture('tiny-users-pipe.txt'));
    expect(data.ids).toEqual(['1', '2', '3', '4', '5']);
    expect(byEntity(data)).toEqual({
      '1': ['age=18-24', 'gender=M', 'occupation=technician', 'zip=8'],
      '2': ['age=50-55', 'gender=F', 'occupation=other', 'zip=9'],
      '3': ['age=under 18', 'gender=M', 'occupation=student'],
      '4': ['age=18-24', 'gender=F', 'occupation=writer'],
      '5': ['age=35-44', 'gender=M', 'occupation=none', 'zip=0'],
    });
    expect(data.features).toEqual([
      'age=18-24',
      'gender=M',
      'occupation=technician',
      'zip=8',
      'age=50-55',
      'gender=F',
      'occupation=other',
      'zip=9',
      'age=under 18',
      'occupation=student',
      'occupation=writer',
      'age=35-44',
      'occupation=none',
      'zip=0',
    ]);
    expect(data.owners.length).toBe(data.members.length);
  });

  it('puts exact ages into MovieLens 1M buckets at every boundary', async () => {
    const ages = [0, 17, 18, 24, 25, 34, 35, 44, 45, 49, 50, 55, 56, 73];
    const text = ages.map((age, i) => `${i + 1}|${age}|F|other|12345`).join('\n');
    const data = await readFeatureFile(await useTemp('ages.txt', text), 'user');
    const buckets = data.ids.map((id) => byEntity(data)[id]![0]);
    expect(buckets).toEqual([
      'age=under 18',
      'age=under 18',
      'age=18-24',
      'age=18-24',
      'age=25-34',
      'age=25-34',
      'age=35-44',
      'age=35-44',
      'age=45-49',
      'age=45-49',
      'age=50-55',
      'age=50-55',
      'age=56+',
      'age=56+',
    ]);
  });

  it('reads a u.item style file: genres (unknown only when alone) and decades', async () => {
    const data = await readFeatureFile(fixture('tiny-items-pipe.txt'), 'item');
    expect(data.format).toBe('movielens-item');
    expect(byEntity(data)).toEqual({
      '1': ['genre=Animation', "genre=Children's", 'genre=Comedy', 'decade=1990s'],
      '2': ['genre=Drama', 'genre=Romance', 'genre=War', 'decade=1940s'],
      '3': ['genre=unknown'],
      '4': ['genre=Mystery', 'decade=2000s'],
      '5': ['decade=1930s'],
    });
  });

  it('reads a latin1 u.item title without tripping over it', async () => {
    const text = `${itemLine('543', 'Misérables, Les (1995)', '01-Jan-1995', [8])}\n${itemLine('1322', 'Metisse (Café au Lait) (1993)', '01-Jan-1993', [5])}\n`;
    const bytes = Buffer.from(text, 'latin1');
    expect(isUtf8(bytes)).toBe(false);
    const data = await readFeatureFile(await useTemp('latin1-items.txt', bytes), 'item');
    expect(byEntity(data)).toEqual({
      '543': ['genre=Drama', 'decade=1990s'],
      '1322': ['genre=Comedy', 'decade=1990s'],
    });
  });

  it('reads a users.dat style file: age and occupation codes named, numeric zips only', async () => {
    const data = await readFeatureFile(fixture('tiny-users-colons.txt'), 'user');
    expect(data.format).toBe('movielens-1m-user');
    expect(byEntity(data)).toEqual({
      '1': ['gender=F', 'age=under 18', 'occupation=K-12 student', 'zip=4'],
      '2': ['gender=M', 'age=56+', 'occupation=self-employed', 'zip=7'],
      '3': ['gender=M', 'age=25-34', 'occupation=scientist', 'zip=5'],
      '4': ['gender=F', 'age=45-49', 'occupation=other'],
      '5': ['gender=M', 'age=18-24', 'occupation=writer'],
    });
  });

  it('reads a movies.dat style file: genres and the decade of the year in the title', async () => {
    const data = await readFeatureFile(fixture('tiny-movies-colons.txt'), 'item');
    expect(data.format).toBe('movielens-1m-item');
    expect(byEntity(data)).toEqual({
      '1': ['genre=Animation', "genre=Children's", 'genre=Comedy', 'decade=1990s'],
      '2': ['genre=Adventure', "genre=Children's", 'genre=Fantasy', 'decade=1990s'],
      '3': ['genre=Sci-Fi', 'decade=1920s'],
      '4': ['genre=Drama'],
      '5': ['decade=1930s'],
    });
    expect(data.features.filter((name) => name === "genre=Children's")).toHaveLength(1);
  });

  it('reads a latin1 movies.dat title', async () => {
    const bytes = Buffer.from('7::Café au Lait (1993)::Comedy|Romance\r\n8::Señor Ñandú (1968)::Drama\r\n', 'latin1');
    const data = await readFeatureFile(await useTemp('latin1-movies.txt', bytes), 'item');
    expect(byEntity(data)).toEqual({
      '7': ['genre=Comedy', 'genre=Romance', 'decade=1990s'],
      '8': ['genre=Drama', 'decade=1960s'],
    });
  });
});

describe('readFeatureFile: CSV', () => {
  it('reads a header file: multi-value cells, empty cells, numeric columns as categories, quotes, UTF-8', async () => {
    const data = await readFeatureFile(fixture('tiny-features.csv'), 'item');
    expect(data.format).toBe('csv');
    expect(data.ids).toEqual(['10', '11', '12', '13']);
    expect(byEntity(data)).toEqual({
      '10': ['genres=Comedy', 'genres=Drama', 'year=1995', 'studio=Pixar, Inc.', 'country=US'],
      '11': ['genres=Drama', 'year=1995', "country=Côte d'Ivoire"],
      '12': [],
      '13': ['genres=Sci-Fi', 'genres=Comedy', 'year=2001', 'studio=Ghibli'],
    });
    expect(Array.from(data.owners)).not.toContain(2);
  });

  it('reads tab and semicolon files, a byte-order mark, blank lines and repeated values once', async () => {
    const tsv = await readFeatureFile(await useTemp('f.tsv', 'user\tgender\tlikes\n\nu1\tF\tjazz|rock|jazz\n'), 'user');
    expect(byEntity(tsv)).toEqual({ u1: ['gender=F', 'likes=jazz', 'likes=rock'] });
    const semicolons = await readFeatureFile(await useTemp('f.csv', '\ufeffid;tier;region\r\nc7;gold;EU\r\n'), 'user');
    expect(byEntity(semicolons)).toEqual({ c7: ['tier=gold', 'region=EU'] });
  });

  it('falls back to latin1 for a CSV that is not valid UTF-8', async () => {
    const data = await readFeatureFile(await useTemp('f.csv', Buffer.from('id,city\n1,Café\n', 'latin1')), 'user');
    expect(data.features).toEqual(['city=Café']);
  });
});

describe('readFeatureFile: format choice', () => {
  it('uses a forced format where detection would not recognize the file', async () => {
    const path = await useTemp('named.txt', 'alice|24|F|writer|12345\nbob|61|M|lawyer|A1B2C\n');
    const data = await readFeatureFile(path, 'user', 'movielens-user');
    expect(data.format).toBe('movielens-user');
    expect(byEntity(data)).toEqual({
      alice: ['age=18-24', 'gender=F', 'occupation=writer', 'zip=1'],
      bob: ['age=56+', 'gender=M', 'occupation=lawyer'],
    });
    expect((await failure(path, 'user')).message).toMatch(/only an id column/);
  });

  it('forcing csv reads a header that detection mistakes for MovieLens 1M, and requires a header', async () => {
    const path = await useTemp('ns.csv', 'item,tag::mood\nx,calm\n');
    expect((await failure(path, 'item')).message).toMatch(/:1: a "::" separated file should have 5 fields .* got 2/);
    expect(byEntity(await readFeatureFile(path, 'item', 'csv'))).toEqual({ x: ['tag::mood=calm'] });
    const headerless = await useTemp('plain.csv', '1,M,24\n2,F,30\n');
    expect((await failure(headerless, 'user', 'csv')).message).toBe(
      `${headerless}:1: the first line must be a header (the id column, then one column per feature), ` +
        'but its first field looks like an id (got "1")',
    );
  });

  it('rejects a MovieLens file given for the other kind', async () => {
    const items = await failure(fixture('tiny-items-pipe.txt'), 'user');
    expect(items.message).toBe(
      `${fixture('tiny-items-pipe.txt')}:1: this looks like MovieLens 100K u.item (item features), but it was given as user features`,
    );
    expect((await failure(fixture('tiny-users-colons.txt'), 'item')).message).toMatch(/MovieLens 1M users\.dat/);
  });

  it('rejects unknown formats and forced formats of the other kind as usage errors', async () => {
    const wrongKind = await rejection(readFeatureFile(fixture('tiny-users-pipe.txt'), 'item', 'movielens-user'));
    expect(wrongKind).toBeInstanceOf(UserError);
    expect((wrongKind as Error).message).toBe('feature format "movielens-user" describes users, not items');
    const unknown = await rejection(readFeatureFile(fixture('tiny-users-pipe.txt'), 'user', 'json' as 'csv'));
    expect(unknown).toBeInstanceOf(UserError);
  });
});

describe('readFeatureFile: errors', () => {
  it('reports a missing file and an empty one', async () => {
    const missing = fixture('no-such-features.csv');
    expect((await failure(missing, 'user')).message).toBe(`${missing}: cannot read features: no such file`);
    const empty = await useTemp('empty.csv', '');
    expect((await failure(empty, 'user')).message).toBe(`${empty}: file is empty`);
    const blank = await useTemp('blank.csv', '\n  \r\n\n');
    expect((await failure(blank, 'user')).message).toBe(`${blank}: file is empty`);
    const headerOnly = await useTemp('header.csv', 'id,genre\n');
    expect((await failure(headerOnly, 'item')).message).toBe(
      `${headerOnly}: no items: the file has a header line but no data rows`,
    );
  });

  it('reports a line with too few (or too many) fields with its line number', async () => {
    const pipe = await useTemp('u.txt', '1|24|M|technician|85711\n\n2|53|F\n');
    const short = await failure(pipe, 'user');
    expect(short.message).toMatch(/:3: too few fields: expected 5 \(user id \| age/);
    expect(short.line).toBe(3);
    const csv = await useTemp('f.csv', 'id,a,b\n1,x,y\n2,x\n');
    expect((await failure(csv, 'item')).message).toBe(`${csv}:3: too few fields: expected 3 (id, a, b), got 2`);
    const wide = await useTemp('w.csv', 'id,a\n1,x,y\n1,x,,\n');
    expect((await failure(wide, 'item')).message).toMatch(
      /:2: too many fields: expected 2 \(id, a\), got 3 \(quote cells/,
    );
    const movies = await useTemp('m.txt', '1::Toy Story (1995)::Comedy\n2::Heat (1995)::Action::extra\n');
    expect((await failure(movies, 'item')).message).toMatch(/:2: too many fields: expected 3/);
  });

  it('reports a duplicate id with both lines', async () => {
    const pipe = await useTemp('u.txt', '1|24|M|technician|85711\n2|53|F|other|94043\n1|30|F|writer|12345\n');
    const error = await failure(pipe, 'user');
    expect(error.message).toBe(`${pipe}:3: duplicate user id "1", first given on line 1`);
    const csv = await useTemp('f.csv', 'item,genre\n\nx,a\ny,b\nx,c\n');
    expect((await failure(csv, 'item')).message).toBe(`${csv}:5: duplicate item id "x", first given on line 3`);
  });

  it('reports an empty id', async () => {
    const csv = await useTemp('f.csv', 'id,genre\na,x\n ,y\n');
    expect((await failure(csv, 'item')).message).toBe(`${csv}:3: id: empty item id`);
    const pipe = await useTemp('u.txt', '1|24|M|technician|85711\n|30|F|writer|12345\n');
    expect((await failure(pipe, 'user')).message).toBe(`${pipe}:2: user id: empty user id`);
  });

  it('reports values a MovieLens format does not allow', async () => {
    const age = await useTemp('u.txt', '1|adult|M|technician|85711\n');
    expect((await failure(age, 'user')).message).toBe(
      `${age}:1: age: age must be a whole number of years (got "adult")`,
    );
    const code = await useTemp('users.txt', '1::F::30::10::48067\n');
    expect((await failure(code, 'user')).message).toMatch(
      /:1: age: age must be one of the MovieLens 1M age codes .*\(got "30"\)$/,
    );
    const occupation = await useTemp('users.txt', '1::F::1::21::48067\n');
    expect((await failure(occupation, 'user')).message).toMatch(/:1: occupation: .*code 0-20 \(got "21"\)$/);
    const flag = await useTemp('i.txt', itemLine('1', 'Heat (1995)', '01-Jan-1995', []).replace(/\|0$/, '|2'));
    expect((await failure(flag, 'item')).message).toMatch(
      /:1: genre Western: a genre flag must be 0 or 1 \(got "2"\)$/,
    );
    const date = await useTemp('i.txt', itemLine('1', 'Heat (1995)', 'soon', []));
    expect((await failure(date, 'item')).message).toMatch(/:1: release date: no year/);
  });
});

describe('alignFeatures', () => {
  it('follows the model index, drops unknown ids and unused features, weights 1/sqrt(count)', async () => {
    const file = await readFeatureFile(fixture('tiny-features.csv'), 'item');
    const index = createIdIndex(['13', '99', '10', '12']);
    const aligned = alignFeatures(file, index, 'item');
    expect(aligned.missing).toBe(1);
    expect(aligned.unknown).toBe(1);
    expect(aligned.featureNames).toEqual([
      'genres=Comedy',
      'genres=Drama',
      'year=1995',
      'studio=Pixar, Inc.',
      'country=US',
      'genres=Sci-Fi',
      'year=2001',
      'studio=Ghibli',
    ]);
    const { offsets, members, weights, memberCount } = aligned.memberships;
    expect(memberCount).toBe(aligned.featureNames.length);
    expect(offsets).toHaveLength(index.size + 1);
    const namesOf = (owner: number): string[] =>
      Array.from(members.subarray(offsets[owner], offsets[owner + 1]), (m) => aligned.featureNames[m]!).sort();
    expect(namesOf(0)).toEqual(['genres=Comedy', 'genres=Sci-Fi', 'studio=Ghibli', 'year=2001']);
    expect(namesOf(1)).toEqual([]);
    expect(namesOf(2)).toEqual(['country=US', 'genres=Comedy', 'genres=Drama', 'studio=Pixar, Inc.', 'year=1995']);
    expect(namesOf(3)).toEqual([]);
    expect(weights[0]).toBeCloseTo(1 / 2, 6);
    expect(weights[1]).toBe(0);
    expect(weights[2]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(weights[3]).toBe(0);
    expect(members.every((m) => m >= 0 && m < aligned.featureNames.length)).toBe(true);
  });

  it('aligns a MovieLens file read in another order', async () => {
    const file = await readFeatureFile(fixture('tiny-users-colons.txt'), 'user');
    const aligned = alignFeatures(file, createIdIndex(['5', '4', '3', '2', '1']), 'user');
    expect(aligned.missing).toBe(0);
    expect(aligned.unknown).toBe(0);
    const { offsets, members } = aligned.memberships;
    const first = Array.from(members.subarray(offsets[0], offsets[1]), (m) => aligned.featureNames[m]).sort();
    expect(first).toEqual(['age=18-24', 'gender=M', 'occupation=writer']);
    expect(members.every((m) => m < aligned.featureNames.length)).toBe(true);
  });

  it('accepts half the model ids found and rejects fewer, naming examples of both sides', async () => {
    const file = await readFeatureFile(fixture('tiny-features.csv'), 'item');
    expect(alignFeatures(file, createIdIndex(['10', 'x', '11', 'y']), 'item').missing).toBe(2);
    expect(() => alignFeatures(file, createIdIndex(['10', 'x', 'y']), 'item')).toThrow(DataError);
    let error: unknown;
    try {
      alignFeatures(file, createIdIndex(['1', '2', '3', '4', '5']), 'item');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      `${fixture('tiny-features.csv')}: the item ids do not match the model's: only 0 of its 5 items have a row here ` +
        '(the model has e.g. "1", "2", "3"; this file has 4 item ids the model does not know, e.g. "10", "11", "12"); ' +
        'is this the item feature file for these ratings?',
    );
  });
});
