import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readInteractionsFile } from '../data/read-interactions.js';
import { readRatingsFile, type RatingsFile } from '../data/read-ratings.js';
import type { SplitSummary } from '../pipeline/split-file.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { splitCommand } from './split.js';

/** Runs `edgerec split` in-process; `onStderr` may react to what it prints (e.g. send Ctrl-C). */
const runSplit = (args: string[], onStderr?: (text: string) => void) => runCommand(splitCommand(), args, onStderr);

/** The error a run rejects with. */
const failure = (args: string[]) => rejectionOf(runSplit(args), Error);

/** Header-less tab file like MovieLens u.data (user item rating timestamp), with invented values: 12 users, 1 to 12 rows each. */
function timedRatings(): string {
  const lines: string[] = [];
  for (let u = 1; u <= 12; u++) {
    for (let k = 0; k < u; k++) {
      const time = 880000000 + ((u * 31 + k * 17) % 97) * 60;
      lines.push(`${u}\t${100 + ((u * 7 + k * 3) % 40)}\t${1 + ((u + k) % 5)}\t${time}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Rows of a file read back, as "user item value timestamp" strings. */
function rows(data: RatingsFile | Awaited<ReturnType<typeof readInteractionsFile>>): string[] {
  const values = 'weights' in data ? data.weights : data.ratings;
  const id = (r: number) => `${data.userIds[data.users[r]!]} ${data.itemIds[data.items[r]!]}`;
  return Array.from(values, (v, r) => `${id(r)} ${v} ${data.timestamps?.[r] ?? '-'}`);
}

/** The (user, item) pairs of a list of rows. */
const pairsOf = (list: string[]) => list.map((line) => line.split(' ').slice(0, 2).join(' '));

describe('edgerec split: modes', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  async function input(name = 'rated-timed.tsv', text = timedRatings()): Promise<{ dir: string; path: string }> {
    const dir = await tempDir();
    const path = join(dir, name);
    await writeFile(path, text);
    return { dir, path };
  }

  it('--by-user: round(n × fraction) of each user to train; the parts read back to exactly the input', async () => {
    const { dir, path } = await input();
    const out = join(dir, 'splits');
    const run = await runSplit([path, '--by-user', '0.75', '--out-dir', out]);
    const original = await readRatingsFile(path);
    const train = await readRatingsFile(join(out, 'train.tsv'));
    const test = await readRatingsFile(join(out, 'test.tsv'));
    expect((await readFile(join(out, 'train.tsv'), 'utf8')).split('\n')[0]).toBe('user\titem\trating\ttimestamp');
    expect([...rows(train), ...rows(test)].sort()).toEqual(rows(original).sort());
    const testPairs = new Set(pairsOf(rows(test)));
    expect(pairsOf(rows(train)).filter((pair) => testPairs.has(pair))).toEqual([]);
    // round(u × 0.75) for users 1..12, halves to even (4.5 → 4, 7.5 → 8).
    const expected = [1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9];
    for (let u = 1; u <= 12; u++) {
      expect(rows(train).filter((row) => row.startsWith(`${u} `)).length).toBe(expected[u - 1]);
    }
    expect(run.stdout).toContain('per-user split, 0.75 to train, seed 42');
    expect(run.stdout).toMatch(
      new RegExp(`train: ${train.ratings.length} ratings, 12 users, ${train.itemIds.length} items`),
    );
    expect(run.stdout).toMatch(new RegExp(`test : ${test.ratings.length} ratings, ${test.userIds.length} users`));
    // Users 1 (1 row) and 2 (2 rows) keep everything in train: round(0.75) = 1, round(1.5) = 2.
    expect(run.stdout).toContain('users kept entirely in train: 2');
    expect(await readdir(out)).toEqual(['test.tsv', 'train.tsv']);
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const { dir, path } = await input();
    const split = async (mode: string, seed: string, name: string) => {
      await runSplit([path, mode, '0.6', '--seed', seed, '--out-dir', join(dir, name), '--quiet']);
      return readFile(join(dir, name, 'test.tsv'), 'utf8');
    };
    for (const mode of ['--by-user', '--random']) {
      const first = await split(mode, '3', `${mode}-a`);
      expect(await split(mode, '3', `${mode}-b`)).toBe(first);
      expect(await split(mode, '4', `${mode}-c`)).not.toBe(first);
    }
  });

  it('--random: a global shuffle, summarized as JSON', async () => {
    const { dir, path } = await input();
    const run = await runSplit([
      path,
      '--random',
      '0.8',
      '--train-out',
      join(dir, 'a.tsv'),
      '--test-out',
      join(dir, 'b.tsv'),
      '--json',
    ]);
    const summary = JSON.parse(run.stdout) as SplitSummary;
    // 78 rows: test gets floor(78 × 0.2) = 15.
    expect(summary).toMatchObject({
      input: path,
      format: 'movielens-100k',
      source: 'ratings',
      mode: { kind: 'random', trainFraction: 0.8 },
      seed: 42,
      timestamps: true,
      train: { path: join(dir, 'a.tsv'), rows: 63 },
      test: { path: join(dir, 'b.tsv'), rows: 15 },
    });
    expect((await readRatingsFile(join(dir, 'b.tsv'))).ratings.length).toBe(15);
  });

  it("--last N: each user's N latest rows to test, ties by file order; smaller users stay in train", async () => {
    const text =
      'user,item,rating,ts\na,x,1,10\na,y,2,30\na,z,3,20\nb,x,4,5\nc,x,5,7\nc,y,1,7\nc,z,2,7\n' +
      'd,w,3,2024-01-01\nd,x,4,2023-12-31T23:00:00Z\n';
    const { dir, path } = await input('dated.csv', text);
    const run = await runSplit([path, '--last', '1', '--out-dir', dir, '--json']);
    const test = await readRatingsFile(join(dir, 'test.tsv'));
    expect(rows(test)).toEqual(['a y 2 30', 'c z 2 7', `d w 3 ${Date.parse('2024-01-01') / 1000}`]);
    const train = await readRatingsFile(join(dir, 'train.tsv'));
    const dx = `d x 4 ${Date.parse('2023-12-31T23:00:00Z') / 1000}`;
    expect(rows(train)).toEqual(['a x 1 10', 'a z 3 20', 'b x 4 5', 'c x 5 7', 'c y 1 7', dx]);
    expect(JSON.parse(run.stdout)).toMatchObject({
      mode: { kind: 'last', n: 1 },
      usersOnlyInTrain: 1,
      usersOnlyInTest: 0,
    });
    const two = await runSplit([
      path,
      '--last',
      '2',
      '--train-out',
      join(dir, 't2.tsv'),
      '--test-out',
      join(dir, 's2.tsv'),
    ]);
    expect(two.stdout).toContain('leave-last-2-out per user by timestamp');
    expect(two.stdout).toContain('users kept entirely in train: 2');
    expect(rows(await readRatingsFile(join(dir, 's2.tsv')))).toEqual(['a y 2 30', 'a z 3 20', 'c y 1 7', 'c z 2 7']);
  });

  it('merges an interactions file’s repeats (weights summed, latest time) before splitting, and writes weights', async () => {
    const text =
      'user,item,clicks,time\nann,a,1,10\nann,a,2,40\nann,b,1,20\nbob,a,3,5\nbob,b,0.5,6\nbob,a,1,7\nbob,c,1,8\n';
    const { dir, path } = await input('clicks.csv', text);
    const run = await runSplit([path, '--last', '1', '--out-dir', dir]);
    expect(run.stdout).toContain('repeated (user, item) rows merged before splitting: 2');
    expect((await readFile(join(dir, 'test.tsv'), 'utf8')).split('\n')[0]).toBe('user\titem\tweight\ttimestamp');
    const train = await readInteractionsFile(join(dir, 'train.tsv'));
    const test = await readInteractionsFile(join(dir, 'test.tsv'));
    expect(train.source).toBe('interactions');
    expect(rows(test)).toEqual(['ann a 3 40', 'bob c 1 8']);
    expect(rows(train)).toEqual(['ann b 1 20', 'bob a 4 7', 'bob b 0.5 6']);
  });

  it('merges a ratings file’s repeats by --duplicates, and round-trips ids and float32 ratings', async () => {
    const text = 'user\titem\trating\n"a b"\tx,1\t3.7\n"a b"\tx,1\t4.2\nc\ty\t0.1\nc\tz\t2\n';
    const { dir, path } = await input('odd.tsv', text);
    await runSplit([path, '--by-user', '0.5', '--duplicates', 'mean', '--out-dir', dir, '--quiet']);
    const back = [
      ...rows(await readRatingsFile(join(dir, 'train.tsv'))),
      ...rows(await readRatingsFile(join(dir, 'test.tsv'))),
    ];
    expect(back.sort()).toEqual(rows(await readRatingsFile(path, { duplicates: 'mean' })).sort());
    const mean = Math.fround((Math.fround(3.7) + Math.fround(4.2)) / 2);
    expect(back.sort()).toEqual([`a b x,1 ${mean} -`, `c y ${Math.fround(0.1)} -`, 'c z 2 -']);
    const written = (await readFile(join(dir, 'train.tsv'), 'utf8')) + (await readFile(join(dir, 'test.tsv'), 'utf8'));
    expect(written).toMatch(/^a b\tx,1\t3\.9499998$/m);
    await expect(
      runSplit([path, '--random', '0.5', '--duplicates', 'error', '--out-dir', join(dir, 'e')]),
    ).rejects.toThrow(/odd\.tsv:3: duplicate rating for user "a b" and item "x,1"/);
    expect(existsSync(join(dir, 'e'))).toBe(false);
  });

  it('reads a header-less pairs file, and a file with a forced weight column', async () => {
    const { dir, path } = await input('pairs.tsv', 'u1\ti1\nu1\ti2\nu2\ti1\nu1\ti1\n');
    await runSplit([path, '--random', '0.5', '--out-dir', dir, '--quiet']);
    const parts = [
      await readInteractionsFile(join(dir, 'train.tsv')),
      await readInteractionsFile(join(dir, 'test.tsv')),
    ];
    expect(parts.flatMap(rows).sort()).toEqual(['u1 i1 2 -', 'u1 i2 1 -', 'u2 i1 1 -']);
    const counts = join(dir, 'counts.tsv');
    await writeFile(counts, 'u1\ti1\t7\nu2\ti1\t3\n');
    const run = await runSplit([
      counts,
      '--random',
      '0.5',
      '--weight-column',
      '3',
      '--out-dir',
      join(dir, 'w'),
      '--json',
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({ source: 'interactions' });
    expect((await readFile(join(dir, 'w', 'train.tsv'), 'utf8')).split('\n')[0]).toBe('user\titem\tweight');
  });
});

describe('edgerec split: bad input', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  async function setup(): Promise<{ dir: string; path: string; out: string }> {
    const dir = await tempDir();
    const path = join(dir, 'rated-timed.tsv');
    await writeFile(path, timedRatings());
    return { dir, path, out: join(dir, 'out') };
  }

  it('needs exactly one mode', async () => {
    const { path, out } = await setup();
    const none = await failure([path, '--out-dir', out]);
    expect(none).toBeInstanceOf(UserError);
    expect(none.message).toBe(
      'choose exactly one split mode: --random FRACTION, --by-user FRACTION or --last N (none was given)',
    );
    expect((await failure([path, '--random', '0.8', '--last', '1', '--out-dir', out])).message).toMatch(
      /got --random and --last/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it.each(['0', '1', '1.5', '-0.2', 'half', ''])('rejects the train fraction %j', async (fraction) => {
    const { path, out } = await setup();
    for (const mode of ['--random', '--by-user']) {
      const error = await failure([path, mode, fraction, '--out-dir', out]);
      const got = ['half', ''].includes(fraction) ? JSON.stringify(fraction) : fraction;
      expect(error.message).toBe(`${mode} must be a number above 0 and below 1 (got ${got})`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('rejects N < 1 for --last, and --last on a file without timestamps', async () => {
    const { dir, path, out } = await setup();
    expect((await failure([path, '--last', '0', '--out-dir', out])).message).toMatch(
      '--last must be an integer from 1 to 1000000 (got 0)',
    );
    const untimed = join(dir, 'untimed.csv');
    await writeFile(untimed, 'user,item,rating\na,x,1\na,y,2\n');
    const error = await failure([untimed, '--last', '1', '--out-dir', out]);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^--last needs a timestamp column, but .*untimed\.csv has none/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an existing output without --force, before reading the input; --force overwrites', async () => {
    const { dir, path, out } = await setup();
    await runSplit([path, '--by-user', '0.5', '--out-dir', out, '--quiet']);
    const before = await readFile(join(out, 'test.tsv'), 'utf8');
    const error = await failure([path, '--by-user', '0.5', '--seed', '9', '--out-dir', out]);
    expect(error.message).toBe(
      `the train output ${join(out, 'train.tsv')} already exists (use --force to overwrite it)`,
    );
    // The input is not even read: a broken input still gets the output error.
    const broken = join(dir, 'broken.tsv');
    await writeFile(broken, 'not\ta\tnumber\n');
    expect((await failure([broken, '--by-user', '0.5', '--out-dir', out])).message).toMatch(/already exists/);
    expect(await readFile(join(out, 'test.tsv'), 'utf8')).toBe(before);
    await runSplit([path, '--by-user', '0.5', '--seed', '9', '--out-dir', out, '--force', '--quiet']);
    expect(await readFile(join(out, 'test.tsv'), 'utf8')).not.toBe(before);
  });

  it('refuses an output that is the input, an output directory that is a file, and unclear outputs', async () => {
    const { dir, path } = await setup();
    expect(
      (await failure([path, '--random', '0.5', '--train-out', path, '--test-out', join(dir, 't.tsv'), '--force']))
        .message,
    ).toBe(`the train output ${path} is the input file ${path}; choose another output`);
    expect((await failure([path, '--random', '0.5', '--out-dir', path])).message).toBe(
      `cannot write the train output into ${path}: ${path} is not a directory`,
    );
    expect((await failure([path, '--random', '0.5'])).message).toMatch(
      /say where to write: --out-dir DIR, or --train-out FILE --test-out FILE/,
    );
    expect((await failure([path, '--random', '0.5', '--train-out', 'a.tsv'])).message).toMatch(
      /--train-out and --test-out go together/,
    );
    expect((await failure([path, '--random', '0.5', '--out-dir', dir, '--test-out', 'b.tsv'])).message).toMatch(
      /not both/,
    );
    expect(await readdir(dir)).toEqual(['rated-timed.tsv']);
  });

  it('reports bad input data with file:line: field and writes nothing', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'user,item,clicks\na,x,1\nb,y,-3\n');
    const error = await failure([bad, '--random', '0.5', '--out-dir', join(dir, 'new', 'out')]);
    expect(error.message).toBe(`${bad}:3: weight: must be a number greater than 0 (got "-3")`);
    expect(await readdir(dir)).toEqual(['bad.csv']);
    const missing = await failure([join(dir, 'missing.tsv'), '--random', '0.5', '--out-dir', dir]);
    expect(missing.message).toMatch(/missing\.tsv: cannot read ratings: no such file/);
  });

  it('leaves nothing behind when interrupted with Ctrl-C', async () => {
    const { dir, path, out } = await setup();
    const before = new Set(process.listeners('SIGINT'));
    let interrupted = false;
    const splitting = runSplit([path, '--by-user', '0.5', '--out-dir', out], (stderr) => {
      if (interrupted || !/^writing /m.test(stderr)) return;
      interrupted = true;
      // Call only the handler split registered (not vitest's), as a SIGINT would.
      for (const listener of process.listeners('SIGINT')) if (!before.has(listener)) listener('SIGINT');
    });
    await expect(splitting).rejects.toMatchObject({
      name: 'AbortError',
      message: 'split cancelled by Ctrl-C; nothing was written',
    });
    expect(interrupted).toBe(true);
    expect(await readdir(dir)).toEqual(['rated-timed.tsv']);
    expect(process.listeners('SIGINT').filter((l) => !before.has(l))).toEqual([]);
  });

  it('explains itself in --help, with examples', async () => {
    let help = '';
    const command = splitCommand()
      .exitOverride()
      .configureOutput({ writeOut: (text) => void (help += text) });
    await expect(command.parseAsync(['--help'], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.helpDisplayed',
    });
    const flags = ['--random', '--by-user', '--last', '--seed', '--out-dir', '--train-out', '--test-out', '--force'];
    for (const flag of [...flags, '--json', '--quiet', '--format', '--duplicates', '--weight-column'])
      expect(help).toContain(flag);
    expect(help).toMatch(/Examples:\n {2}edgerec split .* --last 1 --out-dir/);
  });
});
