// `edgerec synth --interactions N`: implicit feedback with planted taste groups (the ratings mode is covered by data/synth.test.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readInteractionsFile } from '../data/read-interactions.js';
import { generateInteractions } from '../data/synth-interactions.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { synthCommand } from './synth.js';

const runSynth = (args: string[]) => runCommand(synthCommand(), args);
const SHAPE = ['--users', '200', '--items', '150', '--interactions', '3000', '--rank', '5'];

describe('edgerec synth --interactions', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  it('writes the requested number of distinct user,item,weight rows, the generator’s own, and says what it planted', async () => {
    const out = join(await tempDir(), 'synth-clicks.tsv');
    const run = await runSynth([...SHAPE, '--affinity', '0.8', '--weights', '--seed', '9', '--out', out]);
    const planted = generateInteractions({
      users: 200,
      items: 150,
      interactions: 3000,
      clusters: 5,
      affinity: 0.8,
      weights: true,
      seed: 9,
    });
    expect(run.stdout).toBe(
      `wrote ${out}: 3000 interactions, 200 users, 150 items\n` +
        `planted 5 taste groups; ${(planted.inGroupShare * 100).toFixed(1)}% of the pairs are inside the user's own group (affinity 0.8, plus chance picks, minus repeats redrawn)\n`,
    );
    expect(planted.inGroupShare).toBeGreaterThan(0.6);
    expect((await readFile(out, 'utf8')).split('\n')[0]).toBe('user\titem\tweight');
    const file = await readInteractionsFile(out);
    expect(file).toMatchObject({ source: 'interactions', duplicates: 0 });
    expect(file.users).toHaveLength(3000);
    expect(Array.from(file.weights).every((w) => Number.isInteger(w) && w >= 1)).toBe(true);
    expect(Math.max(...file.weights)).toBeGreaterThan(1);
    const expected = generateInteractions({
      users: 200,
      items: 150,
      interactions: 3000,
      clusters: 5,
      affinity: 0.8,
      weights: true,
      seed: 9,
    });
    const rows = (
      ids: { userIds: readonly string[]; itemIds: readonly string[] },
      users: ArrayLike<number>,
      items: ArrayLike<number>,
      weights: ArrayLike<number>,
    ) =>
      Array.from(
        { length: users.length },
        (_, r) => `${ids.userIds[users[r]!]} ${ids.itemIds[items[r]!]} ${weights[r]}`,
      ).sort();
    expect(rows(file, file.users, file.items, file.weights)).toEqual(
      rows(expected, expected.users, expected.items, expected.weights),
    );
  });

  it('is deterministic per seed: the same bytes twice, other bytes for another seed; weights are 1 without --weights', async () => {
    const dir = await tempDir();
    const write = async (name: string, seed: string, extra: string[] = []) => {
      await runSynth([...SHAPE, '--seed', seed, '--quiet', '--out', join(dir, name), ...extra]);
      return readFile(join(dir, name), 'utf8');
    };
    const a = await write('a.csv', '3', ['--format', 'csv']);
    expect(await write('b.csv', '3', ['--format', 'csv'])).toBe(a);
    expect(await write('c.csv', '4', ['--format', 'csv'])).not.toBe(a);
    expect(a.split('\n')[0]).toBe('user,item,weight');
    const file = await readInteractionsFile(join(dir, 'a.csv'));
    expect(Array.from(file.weights).every((w) => w === 1)).toBe(true);
  });

  it('refuses more interactions than pairs, and an affinity outside [0, 1]', async () => {
    const out = join(await tempDir(), 'never.tsv');
    await expect(runSynth(['--users', '10', '--items', '10', '--interactions', '101', '--out', out])).rejects.toThrow(
      new UserError('--interactions must be at most --users × --items = 100, got 101'),
    );
    await expect(runSynth([...SHAPE, '--affinity', '1.2', '--out', out])).rejects.toThrow(
      '--affinity must be a number from 0 to 1 (got 1.2)',
    );
  });
});
