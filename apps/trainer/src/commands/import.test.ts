import { parseArtifact } from '@edgerec/core';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../program.js';
import { randomFactorRows, writeSparkAlsModel, type SparkFactorRow } from '../test-utils/spark-model.js';
import { useTempDirs } from '../test-utils/temp-files.js';

const tempDir = useTempDirs();
const RANK = 4;

/** Runs `edgerec ARGS` in-process: its exit status and what it printed. */
async function edgerec(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { status: await runCli(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/** A Spark model folder (users over `userParts` part files), a mapping to raw ids, and a clicks file in raw ids. */
async function fixture(userParts = 2) {
  const root = await tempDir();
  const userIds = Array.from({ length: 12 }, (_, u) => u * 3);
  const itemIds = Array.from({ length: 20 }, (_, i) => 100 + i);
  const users = randomFactorRows(userIds, RANK, 3);
  const items = randomFactorRows(itemIds, RANK, 4);
  const per = Math.ceil(users.length / userParts);
  const dir = await writeSparkAlsModel(join(root, 'als_model'), {
    rank: RANK,
    userParts: Array.from({ length: userParts }, (_, p) => users.slice(p * per, (p + 1) * per)),
    itemParts: [items.slice(0, 10), items.slice(10)],
    codecs: ['SNAPPY', 'UNCOMPRESSED'],
  });
  const ids = join(root, 'ids.tsv');
  await writeFile(
    ids,
    [...userIds.map((id) => `user\t${id}\tu${id}`), ...itemIds.map((id) => `item\t${id}\tm${id}`)].join('\n'),
  );
  const clicks = join(root, 'clicks.tsv');
  await writeFile(clicks, 'user\titem\nu0\tm100\nu0\tm105\nu3\tm101\nu6\tm119\n');
  return { root, dir, ids, clicks, users, items };
}

function brute(user: SparkFactorRow, items: readonly SparkFactorRow[], exclude: ReadonlySet<number>, k: number) {
  const dot = (item: SparkFactorRow) => item.features!.reduce<number>((s, v, d) => s + v! * user.features![d]!, 0);
  return items
    .filter((item) => !exclude.has(item.id))
    .sort((a, b) => dot(b) - dot(a) || a.id - b.id)
    .slice(0, k)
    .map((item) => `m${item.id}`);
}

describe('edgerec import spark-als', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes an artifact that recommend, evaluate and core’s parser accept, with --json output', async () => {
    const { root, dir, ids, clicks, users, items } = await fixture();
    const out = join(root, 'model.json');
    const run = await edgerec([
      'import',
      'spark-als',
      dir,
      '--objective',
      'interaction',
      '--ids',
      ids,
      '--ratings',
      clicks,
      '--out',
      out,
      '--json',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ out, objective: 'interaction', rank: RANK, users: 12, items: 20 });
    expect(summary.ratings).toMatchObject({ kept: 4, unknown: 0, seenPairs: 4 });
    expect(run.stderr).toMatch(
      /read Spark 3\.5\.1 ALS model .*: rank 4, 12 users \(2 part files\), 20 items \(2 part files\)/,
    );
    const text = await readFile(out, 'utf8');
    expect(summary.bytes).toBe(Buffer.byteLength(text));
    await expect(parseArtifact(text)).resolves.toBeDefined();

    const recommended = await edgerec(['recommend', '--model', out, '--user', 'u0', '-k', '5', '--json']);
    expect(recommended.status, recommended.stderr).toBe(0);
    const user = users.find((row) => row.id === 0)!;
    expect(JSON.parse(recommended.stdout).items.map((r: { item: string }) => r.item)).toEqual(
      brute(user, items, new Set([100, 105]), 5),
    );

    const test = join(root, 'test.tsv');
    await writeFile(test, 'user\titem\nu0\tm110\nu3\tm102\nu9\tm100\n');
    const evaluated = await edgerec(['evaluate', '--model', out, '--ratings', test, '-k', '3', '--json']);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report).toMatchObject({
      mode: 'interaction',
      objective: 'interaction',
      heldOut: { rows: 3, rankedUsers: 3 },
    });
    const seen: Record<number, number[]> = { 0: [100, 105], 3: [101], 9: [] };
    const held: [number, string][] = [
      [0, 'm110'],
      [3, 'm102'],
      [9, 'm100'],
    ];
    const hits = held.filter(([id, item]) =>
      brute(users.find((row) => row.id === id)!, items, new Set(seen[id]), 3).includes(item),
    );
    expect(hits).toHaveLength(1); // the fixture has a hit and two misses at K = 3
    expect(report.model.hitRateAtK).toBeCloseTo(hits.length / 3, 10);
  });

  it('signs with --signing-key, and verify accepts the signature', async () => {
    const { root, dir } = await fixture();
    const key = join(root, 'keys', 'edgerec');
    await mkdir(join(root, 'keys'));
    expect((await edgerec(['keygen', '--out', key])).status).toBe(0);
    const out = join(root, 'signed.json');
    const run = await edgerec([
      'import',
      'spark-als',
      dir,
      '--objective',
      'interaction',
      '--out',
      out,
      '--signing-key',
      key,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/signed with key [0-9a-f]{16}/);
    const verified = await edgerec(['verify', '--model', out, '--public-key', `${key}.pub`]);
    expect(verified.status, verified.stderr).toBe(0);
  });

  it('exits 2 for usage errors: no objective where Spark saved none, a bad choice, an unknown flag', async () => {
    const { root, dir } = await fixture();
    const out = join(root, 'model.json');
    const missing = await edgerec(['import', 'spark-als', dir, '--out', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(
      /edgerec: error: .*part-00000 does not say whether the model was trained with implicitPrefs/,
    );
    expect((await edgerec(['import', 'spark-als', dir, '--objective', 'clicks'])).status).toBe(2);
    expect((await edgerec(['import', 'spark-als', dir, '--objective', 'rating', '--bogus'])).status).toBe(2);
    expect((await edgerec(['import', 'spark-als'])).status).toBe(2);
    await expect(readFile(out)).rejects.toThrow();
  });

  it('exits 1 with the file at fault, and leaves an existing --out file as it was', async () => {
    const { root, dir } = await fixture();
    const out = join(root, 'model.json');
    await writeFile(out, 'previous model');
    await rm(join(dir, 'userFactors'), { recursive: true });
    const run = await edgerec(['import', 'spark-als', dir, '--objective', 'interaction', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^edgerec: error: cannot read the user factors of the Spark model .*userFactors\/: no such file\n$/,
    );
    expect(await readFile(out, 'utf8')).toBe('previous model');
  });

  it('checks the --out path before reading the model', async () => {
    const root = await tempDir();
    const run = await edgerec(['import', 'spark-als', join(root, 'nope'), '--objective', 'interaction', '--out', root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/the --out file .* is a directory; give a file name/);
  });

  it('prints a progress line per part file for tables of many files, none with --quiet', async () => {
    const { root, dir } = await fixture(12);
    const many = join(root, 'many');
    const users = randomFactorRows(
      Array.from({ length: 25 }, (_, u) => u),
      RANK,
      9,
    );
    await writeSparkAlsModel(many, {
      rank: RANK,
      userParts: users.map((row) => [row]),
      itemParts: [randomFactorRows([1, 2], RANK, 1)],
    });
    const out = join(root, 'm.json');
    const loud = await edgerec(['import', 'spark-als', many, '--objective', 'interaction', '--out', out]);
    expect(loud.status, loud.stderr).toBe(0);
    expect(loud.stderr.match(/^userFactors: \d+\/25 part files, \d+ rows$/gm)).toHaveLength(25);
    expect(loud.stderr).toMatch(/^userFactors: 25\/25 part files, 25 rows$/m);
    const quiet = await edgerec(['import', 'spark-als', dir, '--objective', 'interaction', '--out', out, '--quiet']);
    expect(quiet.stderr).toBe('');
  });

  it('documents the id mapping in --help', async () => {
    const help = await edgerec(['import', 'spark-als', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/kind<TAB>sparkId<TAB>rawId/);
    expect(help.stdout).toMatch(/--objective <name>/);
  });
});
