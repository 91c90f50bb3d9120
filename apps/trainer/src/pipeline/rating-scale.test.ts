import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { chooseRatingScale, defaultThreshold } from './rating-scale.js';
import { trainModel } from './train-model.js';

/** `n` ratings cycling through 1–5, then `extra` appended. */
function ratings(n: number, ...extra: number[]): Float32Array {
  return Float32Array.from([...Array.from({ length: n }, (_, k) => 1 + (k % 5)), ...extra]);
}

describe('chooseRatingScale', () => {
  it('infers the scale from the lowest and highest rating and says so, with the threshold', () => {
    const { scale, notes } = chooseRatingScale(ratings(500), {});
    expect(scale).toEqual({ min: 1, max: 5, targetMin: 0, targetMax: 1 });
    expect(notes).toEqual([
      'rating scale: 1 to 5 (the lowest and highest training ratings; --rating-min/--rating-max set it), recommend threshold 3.5',
    ]);
    expect(defaultThreshold(scale)).toBe(3.5);
  });

  it('warns when one -3 among 1–5 stretches the scale, naming counts and the --rating-min/--rating-max fix', () => {
    const { scale, notes } = chooseRatingScale(ratings(300, -3), {});
    expect(scale.min).toBe(-3);
    expect(notes[0]).toMatch(/^rating scale: -3 to 5 .*recommend threshold 2$/);
    expect(notes[1]).toBe(
      'warning: the lowest rating, -3, is on 1 of 301 training rows (0.33%), 4 below the next (1): it stretches the scale to -3 to 5 ' +
        '(recommend threshold 2). If it is a mistake, fix or drop the row, or set the scale: --rating-min 1 --rating-max 5',
    );
  });

  it('warns about a rare extreme in a large file, and about both ends at once', () => {
    const rare = chooseRatingScale(ratings(5000, 6), {}).notes;
    expect(rare).toHaveLength(2); // 6 is one gap of 1 above 5, but 1 row in 5001 against 1000 fives
    expect(rare[1]).toMatch(
      /^warning: the highest rating, 6, is on 1 of 5001 training rows \(0\.02%\), 1 above the next \(5\)/,
    );
    expect(rare[1]).toMatch(/--rating-min 1 --rating-max 5$/);
    const both = chooseRatingScale(ratings(300, -40, 99), {}).notes;
    expect(both.filter((note) => note.startsWith('warning:'))).toHaveLength(2);
    expect(both[2]).toMatch(/--rating-min 1 --rating-max 5$/);
  });

  it('does not warn on ordinary scales: half stars, a sparse lowest grade, continuous scores, two values', () => {
    const halfStars = Float32Array.from({ length: 1000 }, (_, k) => 0.5 + 0.5 * (k % 10));
    const sparseOnes = Float32Array.from({ length: 1000 }, (_, k) => (k < 8 ? 1 : 2 + (k % 4)));
    const continuous = Float32Array.from({ length: 10_000 }, (_, k) => Math.sin(k) * 0.5 + 0.5);
    const binary = Float32Array.from({ length: 1000 }, (_, k) => (k === 0 ? 0 : 1));
    for (const values of [halfStars, sparseOnes, continuous, binary]) {
      expect(chooseRatingScale(values, {}).notes.filter((note) => note.startsWith('warning:'))).toEqual([]);
    }
  });

  it('prints nothing for a given scale but counts ratings outside it', () => {
    expect(chooseRatingScale(ratings(100), { ratingMin: 1, ratingMax: 5 }).notes).toEqual([]);
    expect(chooseRatingScale(ratings(100, -3), { ratingMin: 1, ratingMax: 5 }).notes).toEqual([
      'warning: 1 training rating lies outside the scale --rating-min 1 --rating-max 5 (lowest -3, highest 5)',
    ]);
  });

  it('with one end given, infers the other and suggests only the inferred flag', () => {
    const { scale, notes } = chooseRatingScale(ratings(300, 50), { ratingMin: 0 }, 4);
    expect(scale).toMatchObject({ min: 0, max: 50 });
    expect(notes[0]).toBe(
      'rating scale: 0 to 50 (--rating-min to the highest training rating; --rating-min/--rating-max set it), recommend threshold 4',
    );
    expect(notes[1]).toMatch(/the highest rating, 50, .*set the scale: --rating-max 5$/);
  });

  it('refuses an empty range', () => {
    expect(() => chooseRatingScale(Float32Array.of(3, 3), {})).toThrow(UserError);
    expect(() => chooseRatingScale(ratings(10), { ratingMin: 5, ratingMax: 1 })).toThrow(
      /the range is empty \(min 5, max 1\)/,
    );
  });
});

describe('trainModel reports the inferred scale', () => {
  const tempDir = useTempDirs();

  it('prints the scale line and the outlier warning through onInfo', async () => {
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 600, seed: 2 });
    table.ratings[0] = -3;
    const file = join(await tempDir(), 'one-bad-row.tsv');
    await writeRatingsFile(file, table);
    const lines: string[] = [];
    // Every row trains (no validation or test split can take the bad one): explicit rows.
    const all = Uint32Array.from({ length: 600 }, (_, r) => r);
    const { model } = await trainModel({
      ratings: file,
      rows: { train: all, validation: all.subarray(0, 60) },
      model: { dim: 2, epochs: 1, refit: false, implicit: false },
      backend: 'cpu',
      ranking: false,
      hooks: { onInfo: (line) => lines.push(line) },
    });
    expect(model.scale.min).toBe(-3);
    expect(model.recommendThreshold).toBe(2);
    expect(lines).toContain(
      'rating scale: -3 to 5 (the lowest and highest training ratings; --rating-min/--rating-max set it), recommend threshold 2',
    );
    expect(
      lines.some((line) =>
        /^warning: the lowest rating, -3, is on 1 of 600 training rows .*--rating-min 1 --rating-max 5$/.test(line),
      ),
    ).toBe(true);
  }, 30_000);
});
