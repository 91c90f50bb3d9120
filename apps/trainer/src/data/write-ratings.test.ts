import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RatingsTable } from './ratings-table.js';
import { readRatingsFile } from './read-ratings.js';
import { generateSynthetic } from './synth.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { formatFloat32, writeRatingsFile } from './write-ratings.js';

const table: RatingsTable = {
  users: Uint32Array.of(1, 0, 1),
  items: Uint32Array.of(0, 1, 1),
  ratings: Float32Array.of(4, 3.7, 11 / 3),
  userIds: ['u1', 'u2'],
  itemIds: ['i1', 'i2'],
};

describe('writeRatingsFile', () => {
  const tempDir = useTempDirs();

  it('writes a header and one line per row (TSV by default)', async () => {
    const path = join(await tempDir(), 'sub', 'out.tsv');
    await writeRatingsFile(path, table);
    expect(await readFile(path, 'utf8')).toBe('user\titem\trating\nu2\ti1\t4\nu1\ti2\t3.7\nu2\ti2\t3.6666667\n');
    expect(await readdir(join(path, '..'))).toEqual(['out.tsv']);
  });

  it('writes CSV, quoting ids that need it, and reads back the same table', async () => {
    const odd: RatingsTable = { ...table, userIds: ['a,b', 'say "hi"'], itemIds: ['x\ty', 'plain'] };
    const path = join(await tempDir(), 'out.csv');
    await writeRatingsFile(path, odd, { format: 'csv' });
    expect((await readFile(path, 'utf8')).split('\n')[1]).toBe('"say ""hi""",x\ty,4');
    const back = await readRatingsFile(path);
    const rows = (t: RatingsTable) =>
      Array.from(t.ratings, (v, r) => [t.userIds[t.users[r]!], t.itemIds[t.items[r]!], v]);
    expect(rows(back)).toEqual(rows(odd));
  });

  it('round-trips a synthetic table through TSV', async () => {
    const { table: synth } = generateSynthetic({ users: 50, items: 40, ratings: 600, seed: 5 });
    const path = join(await tempDir(), 'synth.tsv');
    await writeRatingsFile(path, synth);
    const back = await readRatingsFile(path, { duplicates: 'error' });
    expect(back.format).toBe('tsv');
    expect(back.ratings).toEqual(synth.ratings);
    expect(Array.from(back.users, (u) => back.userIds[u])).toEqual(Array.from(synth.users, (u) => synth.userIds[u]));
    expect(Array.from(back.items, (i) => back.itemIds[i])).toEqual(Array.from(synth.items, (i) => synth.itemIds[i]));
  });
});

describe('formatFloat32', () => {
  it('prints the shortest decimal that reads back as the same float32', () => {
    expect(formatFloat32(Math.fround(3.7))).toBe('3.7');
    expect(formatFloat32(4)).toBe('4');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    for (const x of [1 / 3, 2.675, 1e-7, 123456.789]) {
      const f = Math.fround(x);
      expect(Math.fround(Number(formatFloat32(f)))).toBe(f);
    }
  });
});
