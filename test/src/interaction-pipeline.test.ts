// End to end for an interaction model: edgerec synth --interactions -> train --objective interaction ->
// wrangler dev (workerd) on 127.0.0.1 -> HTTP, checking that the edge answers what the CLI and core compute.
import { foldInInteractions, mostPopular, parseArtifact, seenBy, topKItems, type LoadedArtifact } from '@edgerec/core';
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

async function edgerec(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface Scored {
  item: string;
  score: number;
  rating?: number;
}

describe('synth --interactions -> train --objective interaction -> wrangler dev -> HTTP', () => {
  let dir: string;
  let modelPath: string;
  let artifact: LoadedArtifact;
  let server: LocalServer;
  let summary: { ranking: { test: { model: { ndcg: number }; popularity: { ndcg: number } } } };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgerec-e2e-clicks-'));
    const clicks = join(dir, 'clicks.tsv');
    modelPath = join(dir, 'ranker.json');
    await edgerec(
      'synth',
      '--users',
      '300',
      '--items',
      '200',
      '--interactions',
      '9000',
      '--rank',
      '6',
      '--seed',
      '3',
      '--out',
      clicks,
      '--quiet',
    );
    summary = JSON.parse(
      await edgerec(
        'train',
        '--objective',
        'interaction',
        '--ratings',
        clicks,
        '--out',
        modelPath,
        '--dim',
        '16',
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

  it('trained a model that ranks far above popularity', () => {
    expect(summary.ranking.test.model.ndcg).toBeGreaterThan(1.5 * summary.ranking.test.popularity.ndcg);
  });

  it('declares the interaction objective at /v1/model', async () => {
    const body = (await (await fetch(`${server.url}/v1/model`)).json()) as {
      objective: string;
      coldStart: string;
      foldIn: string;
      sha256: string;
    };
    expect(body).toMatchObject({
      objective: 'interaction',
      coldStart: 'popularity',
      foldIn: 'interactions',
      sha256: artifact.meta.sha256,
    });
  });

  it('GET /v1/score equals `edgerec predict`: a score, never a rating', async () => {
    const { users, items } = artifact.model;
    const pairs = (
      [
        [0, 0],
        [7, 150],
        [299, 3],
      ] as const
    ).map(([u, i]) => [users.ids[u]!, items.ids[i]!] as const);
    // The CLI runs are independent processes: start them all at once, then compare pair by pair.
    const answers = await Promise.all(
      pairs.map(([user, item]) => edgerec('predict', '--model', modelPath, '--user', user, '--item', item, '--json')),
    );
    for (const [n, [user, item]] of pairs.entries()) {
      const cli = JSON.parse(answers[n]!) as { score: number; recommend: boolean };
      const edge = (await (await fetch(`${server.url}/v1/score?user=${user}&item=${item}`)).json()) as Record<
        string,
        unknown
      >;
      expect(edge.score as number).toBeCloseTo(cli.score, 6);
      expect(edge.recommend).toBe(cli.recommend);
      expect(edge).not.toHaveProperty('rating');
    }
  });

  it('recommendations equal `edgerec recommend` and skip the user’s training items', async () => {
    const u = 11;
    const user = artifact.model.users.ids[u]!;
    const cli = JSON.parse(await edgerec('recommend', '--model', modelPath, '--user', user, '-k', '10', '--json')) as {
      items: Scored[];
    };
    const edge = (await (await fetch(`${server.url}/v1/users/${user}/recommendations?k=10`)).json()) as {
      items: Scored[];
    };
    expect(edge.items.map((r) => r.item)).toEqual(cli.items.map((r) => r.item));
    edge.items.forEach((r, n) => expect(r.score).toBeCloseTo(cli.items[n]!.score, 6));
    const seen = new Set(Array.from(seenBy(artifact.model.seen!, u), (i) => artifact.model.items.ids[i]));
    for (const r of edge.items) expect(seen.has(r.item)).toBe(false);
  });

  it('folds in a new user from the items they clicked, as core does, and excludes those items', async () => {
    const model = artifact.model;
    const clicked = [3, 40, 41, 77];
    const response = await fetch(`${server.url}/v1/recommendations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: clicked.map((i) => model.items.ids[i]), k: 8 }),
    });
    expect(response.status).toBe(200);
    const edge = (await response.json()) as { items: Scored[] };
    const query = foldInInteractions(
      model,
      clicked.map((item) => ({ item })),
    );
    const offline = topKItems(model, query, { k: 8, exclude: new Set(clicked) });
    expect(edge.items.map((r) => r.item)).toEqual(offline.map((r) => model.items.ids[r.index]));
    edge.items.forEach((r, n) => expect(r.score).toBeCloseTo(offline[n]!.raw, 6));
  });

  it('ranks an unknown user by popularity, flagged coldStart', async () => {
    const edge = (await (await fetch(`${server.url}/v1/users/stranger/recommendations?k=5`)).json()) as {
      coldStart: boolean;
      fallback: string;
      items: { item: string; popularity: number }[];
    };
    expect(edge).toMatchObject({ coldStart: true, fallback: 'popularity' });
    const offline = mostPopular(artifact.model, { k: 5 });
    expect(edge.items).toEqual(
      offline.map((r) => ({ item: artifact.model.items.ids[r.index], popularity: r.popularity })),
    );
  });
});
