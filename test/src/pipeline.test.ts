// End to end: edgerec synth -> edgerec train -> artifact -> wrangler dev (workerd) on 127.0.0.1 ->
// HTTP, checking that the edge answers exactly what `edgerec predict` / `recommend` print.
import { parseArtifact, predict, type LoadedArtifact } from '@edgerec/core';
import { startLocalServer, type LocalServer } from '@edgerec/worker/local-server';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(import.meta.resolve('@edgerec/trainer/cli'));

/** Runs the edgerec CLI and returns its stdout. */
async function edgerec(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface ScoreBody {
  user: string;
  item: string;
  rating: number;
  raw: number;
  recommend: boolean;
}

describe('synth -> train -> artifact -> wrangler dev -> HTTP', () => {
  let dir: string;
  let modelPath: string;
  let artifact: LoadedArtifact;
  let server: LocalServer;
  let summary: { test: { rmse: number }; globalMeanRmse: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgerec-e2e-'));
    const ratings = join(dir, 'ratings.tsv');
    modelPath = join(dir, 'model.json');
    await edgerec(
      'synth',
      '--users',
      '300',
      '--items',
      '200',
      '--ratings',
      '24000',
      '--seed',
      '11',
      '--out',
      ratings,
      '--quiet',
    );
    summary = JSON.parse(
      await edgerec(
        'train',
        '--ratings',
        ratings,
        '--out',
        modelPath,
        '--learning-rate',
        '0.005',
        '--batch-size',
        '256',
        '--quiet',
        '--json',
      ),
    );
    artifact = await parseArtifact(await readFile(modelPath, 'utf8'));
    server = await startLocalServer({ model: modelPath, quiet: true });
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trained a model that beats the global-mean baseline', () => {
    expect(summary.test.rmse).toBeLessThan(0.9 * summary.globalMeanRmse);
  });

  it('serves the artifact it was given', async () => {
    const body = (await (await fetch(`${server.url}/v1/model`)).json()) as {
      sha256: string;
      counts: { users: number };
    };
    expect(body.sha256).toBe(artifact.meta.sha256);
    expect(body.counts.users).toBe(artifact.model.users.size);
  });

  it('GET /v1/score equals `edgerec predict` for the same pairs', async () => {
    const { users, items } = artifact.model;
    const pairs: [string, string][] = [
      [users.ids[0]!, items.ids[0]!],
      [users.ids[7]!, items.ids[150]!],
      [users.ids[299]!, items.ids[3]!],
      [users.ids[42]!, items.ids[199]!],
    ];
    // The CLI runs are independent processes: start them all at once, then compare pair by pair.
    const answers = await Promise.all(
      pairs.map(([user, item]) => edgerec('predict', '--model', modelPath, '--user', user, '--item', item, '--json')),
    );
    for (const [n, [user, item]] of pairs.entries()) {
      const cli = JSON.parse(answers[n]!) as ScoreBody;
      const response = await fetch(
        `${server.url}/v1/score?user=${encodeURIComponent(user)}&item=${encodeURIComponent(item)}`,
      );
      expect(response.status).toBe(200);
      const edge = (await response.json()) as ScoreBody;
      expect(edge.rating).toBeCloseTo(cli.rating, 6);
      expect(edge.raw).toBeCloseTo(cli.raw, 6);
      expect(edge.recommend).toBe(cli.recommend);
    }
  });

  it('POST /v1/score agrees with the offline scorer on 500 pairs', async () => {
    const { model } = artifact;
    const pairs = Array.from({ length: 500 }, (_, n) => ({
      user: model.users.ids[(n * 37) % model.users.size]!,
      item: model.items.ids[(n * 101) % model.items.size]!,
    }));
    const response = await fetch(`${server.url}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pairs }),
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: ScoreBody[] };
    expect(results).toHaveLength(500);
    results.forEach((result, n) => {
      const offline = predict(model, (n * 37) % model.users.size, (n * 101) % model.items.size);
      expect(Math.abs(result.rating - offline.rating)).toBeLessThan(1e-6);
      expect(Math.abs(result.raw - offline.raw)).toBeLessThan(1e-6);
    });
  });

  it('recommendations equal `edgerec recommend` and skip the user’s training items', async () => {
    const user = artifact.model.users.ids[5]!;
    const cli = JSON.parse(await edgerec('recommend', '--model', modelPath, '--user', user, '-k', '10', '--json')) as {
      items: { item: string; rating: number }[];
    };
    const response = await fetch(`${server.url}/v1/users/${encodeURIComponent(user)}/recommendations?k=10`);
    expect(response.status).toBe(200);
    const edge = (await response.json()) as { items: { item: string; rating: number }[] };
    expect(edge.items.map((r) => r.item)).toEqual(cli.items.map((r) => r.item));
    edge.items.forEach((r, n) => expect(r.rating).toBeCloseTo(cli.items[n]!.rating, 6));
    const ratingsText = await readFile(join(dir, 'ratings.tsv'), 'utf8');
    const rated = new Set(
      ratingsText
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((f) => f[0] === user)
        .map((f) => f[1]),
    );
    // Items rated in the training split must not come back (some of the user's file ratings went to validation/test).
    const { seenBy } = await import('@edgerec/core');
    const trained = new Set(Array.from(seenBy(artifact.model.seen!, 5), (i) => artifact.model.items.ids[i]));
    for (const r of edge.items) expect(trained.has(r.item)).toBe(false);
    expect(trained.size).toBeGreaterThan(0);
    for (const item of trained) expect(rated.has(item)).toBe(true);
  });

  it('answers unknown ids with a 404 naming them, like the CLI refuses them', async () => {
    const response = await fetch(`${server.url}/v1/score?user=nobody&item=${artifact.model.items.ids[0]}`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'unknown_user',
      message: expect.stringContaining('nobody'),
    });
    await expect(edgerec('predict', '--model', modelPath, '--user', 'nobody', '--item', 'i1')).rejects.toThrow(
      /unknown user "nobody"/,
    );
  });
});
