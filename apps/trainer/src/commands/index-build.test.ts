import { ivfTopKItems, parseArtifact, rankingHead, topKItems, userQuery, type RecommenderModel } from '@edgerec/core';
import { clusteredInteractionModel, randomInteractionModel, randomRatingModel } from '@edgerec/core/testing';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../program.js';
import { writeModelFile } from '../test-utils/model-file.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { indexCommand } from './index-build.js';

describe('edgerec index build', () => {
  const tempDir = useTempDirs();

  it('writes the model with an IVF index, its recall per nprobe and the default nprobe', async () => {
    const dir = await tempDir();
    const model = clusteredInteractionModel({ users: 80, items: 3000, dim: 8, clusters: 30, seed: 5 });
    const path = (await writeModelFile(dir, model)).path;
    const out = join(dir, 'model-ivf.json');
    const { stdout, stderr } = await runCommand(indexCommand(), ['build', '--model', path, '--out', out, '--json']);
    expect(stderr).toMatch(/k-means iteration 1\/12/);
    const report = JSON.parse(stdout) as Record<string, any>;
    expect(report).toMatchObject({ lists: 55, items: 3000, build: { kmeans: 'spherical', seed: 1 } });
    expect(report.recall.map((p: { nprobe: number }) => p.nprobe)).toEqual([1, 2, 4, 8, 16, 32, 55]);
    expect(report.recall.at(-1).recall).toBe(1);
    expect(report.probe.recall).toBeGreaterThanOrEqual(0.95);
    expect(report.probe.users).toBe(80);

    const before = await parseArtifact(await readFile(path, 'utf8'));
    const after = await parseArtifact(await readFile(out, 'utf8'));
    const index = after.model.ivf!;
    expect(index.probe?.nprobe).toBe(report.probe.nprobe);
    // Laid out list by list: list l is the contiguous range offsets[l] .. offsets[l + 1].
    expect(index.items).toEqual(Uint32Array.from({ length: 3000 }, (_, j) => j));
    expect([...after.model.items.ids].sort()).toEqual([...before.model.items.ids].sort());
    expect(after.meta.training).toEqual(before.meta.training);
    // The same recommendations by id (random Gaussian tables: no ties).
    const ids = (model: RecommenderModel, items: { index: number }[]) => items.map((r) => model.items.ids[r.index]);
    for (const u of [0, 3, 79]) {
      const exact = topKItems(before.model, userQuery(before.model, u), { k: 10 });
      const probed = ivfTopKItems(after.model, userQuery(after.model, u), { k: 10, nprobe: report.lists }).items;
      expect(ids(after.model, probed)).toEqual(ids(before.model, exact));
      expect(probed.map((r) => r.raw)).toEqual(exact.map((r) => r.raw));
    }
  });

  it('with --no-reorder keeps every other field as it was', async () => {
    const dir = await tempDir();
    const model = randomInteractionModel({ users: 10, items: 200, dim: 4, seed: 2, biases: true });
    const path = (await writeModelFile(dir, model)).path;
    const out = join(dir, 'out.json');
    await runCommand(indexCommand(), ['build', '--model', path, '--out', out, '--no-reorder', '-q']);
    const { ivf, sha256: _a, ...rest } = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    const { sha256: _b, ...before } = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(rest).toEqual(before);
    expect(ivf).toMatchObject({ kind: 'ivf', lists: 14 });
  });

  it('indexes the ranking head of a rating model with one, and prints a text summary', async () => {
    const dir = await tempDir();
    const rating = randomRatingModel({ users: 12, items: 60, dim: 5, seed: 9, activation: 'sigmoid' });
    const head = randomInteractionModel({ users: 12, items: 60, dim: 3, seed: 10, biases: true });
    const { path } = await writeModelFile(dir, {
      ...rating,
      ranking: { ...head, users: rating.users, items: rating.items, seen: rating.seen },
    });
    const out = join(dir, 'out.json');
    const { stdout } = await runCommand(indexCommand(), [
      'build',
      '--model',
      path,
      '--out',
      out,
      '--lists',
      '6',
      '--seed',
      '4',
      '-q',
    ]);
    expect(stdout).toMatch(/IVF index of 6 lists over 60 items/);
    expect(stdout).toMatch(/^ {5}6 {6}1\.000 {7}100\.00%$/m);
    expect(stdout).toMatch(/default nprobe \d+ \(recall@10 /);
    const loaded = (await parseArtifact(await readFile(out, 'utf8'))).model;
    expect(rankingHead(loaded).ivf?.width).toBe(4);
    expect(loaded.ivf).toBeUndefined();
  });

  it('refuses an existing output without --force, and flag values out of range', async () => {
    const dir = await tempDir();
    const { path } = await writeModelFile(dir, randomInteractionModel({ users: 4, items: 20, dim: 3, seed: 1 }));
    const out = join(dir, 'out.json');
    await writeFile(out, 'x');
    const error = await rejectionOf(
      runCommand(indexCommand(), ['build', '--model', path, '--out', out, '-q']),
      UserError,
    );
    expect(error.message).toMatch(/already exists \(use --force/);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['index', 'build', '--model', path, '--out', out, '--lists', '0'])).toBe(2);
      expect(await runCli(['index', 'build', '--model', path, '--out', out, '--kmeans', 'cosine'])).toBe(2);
      // More lists than items is an error of this model, not of the flag.
      expect(await runCli(['index', 'build', '--model', path, '--out', out, '--force', '--lists', '21', '-q'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
