import {
  rankingHead,
  rawScore,
  topKItems,
  userQuery,
  vectorizeId,
  vectorizeItemIndex,
  vectorizeItemValues,
  vectorizeNamespace,
  vectorizeQueryValues,
  type RecommenderModel,
} from '@edgerec/core';
import { randomInteractionModel, randomRatingModel } from '@edgerec/core/testing';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import { writeModelFile } from '../test-utils/model-file.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { readArtifactFile } from '../io/read-artifact.js';
import { exportVectorize } from '../pipeline/vectorize-export.js';
import { exportCommand } from './export.js';

interface Line {
  id: string;
  namespace: string;
  values: number[];
}

/** An iALS-like interaction model with biases (so the bias coordinate matters). */
const interaction = randomInteractionModel({ users: 12, items: 230, dim: 6, seed: 8, biases: true });

/** A rating model with an interaction head beside it, sharing its ids. */
function rankedModel(): RecommenderModel {
  const rating = randomRatingModel({ users: 12, items: 60, dim: 5, seed: 9, activation: 'sigmoid' });
  const head = randomInteractionModel({ users: 12, items: 60, dim: 3, seed: 10, biases: true });
  return { ...rating, ranking: { ...head, users: rating.users, items: rating.items, seen: rating.seen } };
}

function parseLines(text: string): Line[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

describe('edgerec export vectorize', () => {
  const tempDir = useTempDirs();

  it('writes one line per item: [factors..., bias] of the head, in its namespace, under per-model ids', async () => {
    const dir = await tempDir();
    const { path, sha256 } = await writeModelFile(dir, interaction);
    const out = join(dir, 'items.ndjson');
    const { stdout } = await runCommand(exportCommand(), ['vectorize', '--model', path, '--out', out, '--json']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      sha256,
      head: 'model',
      items: 230,
      dimensions: 7,
      metric: 'dot-product',
      namespace: vectorizeNamespace(sha256),
      files: [{ path: out, vectors: 230 }],
      commands: {
        create: 'npx wrangler vectorize create edgerec-items --dimensions=7 --metric=dot-product',
        insert: [`npx wrangler vectorize insert edgerec-items --file=${out}`],
      },
      binding: { binding: 'ITEMS_INDEX', index_name: 'edgerec-items' },
    });
    const lines = parseLines(await readFile(out, 'utf8'));
    expect(lines).toHaveLength(230);
    const indices = lines.map((l) => vectorizeItemIndex(l.id, sha256, 230));
    expect(new Set(indices).size).toBe(230); // every item once
    expect(indices.every((i) => i !== undefined)).toBe(true);
    for (const line of lines) {
      const i = vectorizeItemIndex(line.id, sha256, 230)!;
      expect(Object.keys(line).sort()).toEqual(['id', 'namespace', 'values']);
      expect(line.namespace).toBe(vectorizeNamespace(sha256));
      expect(line.values).toHaveLength(7);
      // Exactly the float32 values: 9 significant digits read back to the same float32.
      expect(Float32Array.from(line.values)).toEqual(vectorizeItemValues(interaction, i));
      expect(Math.fround(line.values[6]!)).toBe(interaction.itemBias[i]);
    }
  });

  it("dot(query, item) + global and user bias is core's score, and a brute-force top-10 over the file is topKItems", async () => {
    const dir = await tempDir();
    const { path, sha256 } = await writeModelFile(dir, interaction);
    const out = join(dir, 'items.ndjson');
    await runCommand(exportCommand(), ['vectorize', '--model', path, '--out', out, '--quiet']);
    const lines = parseLines(await readFile(out, 'utf8'));
    for (let u = 0; u < interaction.users.size; u++) {
      const query = userQuery(interaction, u);
      const q = vectorizeQueryValues(query);
      const scored = lines.map((l) => ({ i: vectorizeItemIndex(l.id, sha256, 230)!, s: dot(q, l.values) }));
      for (const { i, s } of scored.slice(0, 40)) {
        expect(s + interaction.globalBias + query.bias).toBeCloseTo(rawScore(interaction, u, i), 5);
      }
      const brute = scored
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, 10)
        .map((x) => x.i);
      expect(brute).toEqual(topKItems(interaction, query, { k: 10 }).map((r) => r.index));
    }
  });

  it('a rating model with a ranking head exports the head (what the Worker ranks by), not the rating head', async () => {
    const dir = await tempDir();
    const model = rankedModel();
    const head = rankingHead(model);
    const { path, sha256 } = await writeModelFile(dir, model);
    const out = join(dir, 'items.ndjson');
    const { stdout } = await runCommand(exportCommand(), ['vectorize', '--model', path, '--out', out]);
    expect(stdout).toContain(
      `60 items of ${path} (sha256 ${sha256}), 4 dimensions: the ranking head's 3 factors + the item bias`,
    );
    expect(stdout).toContain('npx wrangler vectorize create edgerec-items --dimensions=4 --metric=dot-product');
    const lines = parseLines(await readFile(out, 'utf8'));
    const line = lines.find((l) => l.id === vectorizeId(sha256, 7))!;
    expect(Float32Array.from(line.values)).toEqual(vectorizeItemValues(head, 7));
    const query = userQuery(head, 2);
    const brute = lines
      .map((l) => ({ i: vectorizeItemIndex(l.id, sha256, 60)!, s: dot(vectorizeQueryValues(query), l.values) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, 10)
      .map((x) => x.i);
    expect(brute).toEqual(topKItems(head, query, { k: 10 }).map((r) => r.index));
  });

  it('splits a catalogue over --vectors-per-file into parts, one insert command each', async () => {
    const dir = await tempDir();
    const { path, sha256 } = await writeModelFile(dir, interaction);
    const out = join(dir, 'items.ndjson');
    const { stdout } = await runCommand(exportCommand(), [
      'vectorize',
      '--model',
      path,
      '--out',
      out,
      '--vectors-per-file',
      '100',
      '--index-name',
      'shop-items',
      '--json',
    ]);
    const report = JSON.parse(stdout);
    const parts = ['items-1.ndjson', 'items-2.ndjson', 'items-3.ndjson'].map((name) => join(dir, name));
    expect(report.files.map((f: { path: string; vectors: number }) => [f.path, f.vectors])).toEqual([
      [parts[0], 100],
      [parts[1], 100],
      [parts[2], 30],
    ]);
    expect(report.commands.insert).toEqual(parts.map((p) => `npx wrangler vectorize insert shop-items --file=${p}`));
    const ids = (await Promise.all(parts.map(async (p) => parseLines(await readFile(p, 'utf8')))))
      .flat()
      .map((l) => l.id);
    expect(ids).toEqual(Array.from({ length: 230 }, (_, i) => vectorizeId(sha256, i)));
  });

  it('logs progress as it goes (every 100,000 vectors by default)', async () => {
    const dir = await tempDir();
    const { path } = await writeModelFile(dir, interaction);
    const lines: string[] = [];
    const out = join(dir, 'items.ndjson');
    const options = { out, vectorsPerFile: 150, log: (line: string) => lines.push(line), progressEvery: 100 };
    await exportVectorize(await readArtifactFile(path), options);
    expect(lines).toEqual(['exported 100 of 230 vectors', 'exported 200 of 230 vectors']);
  });

  it('checks the output before reading the model, and never replaces a file without --force', async () => {
    const dir = await tempDir();
    const { path } = await writeModelFile(dir, interaction);
    const out = join(dir, 'items.ndjson');
    await writeFile(out, 'keep me');
    const error = await rejectionOf(
      runCommand(exportCommand(), ['vectorize', '--model', path, '--out', out]),
      UserError,
    );
    expect(error.message).toMatch(/already exists \(use --force/);
    expect(await readFile(out, 'utf8')).toBe('keep me');
    const missing = await rejectionOf(
      runCommand(exportCommand(), ['vectorize', '--model', join(dir, 'nope.json'), '--out', out]),
      UserError,
    );
    expect(missing.message).toMatch(/already exists/); // the output is checked first
    await runCommand(exportCommand(), ['vectorize', '--model', path, '--out', out, '--force', '--quiet']);
    expect(parseLines(await readFile(out, 'utf8'))).toHaveLength(230);
  });

  it('usage errors exit 2: a bad --vectors-per-file or --index-name, a missing --out', async () => {
    const dir = await tempDir();
    const { path } = await writeModelFile(dir, interaction);
    const out = join(dir, 'items.ndjson');
    const stderr: string[] = [];
    const spy = (await import('vitest')).vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      expect(await runCli(['export', 'vectorize', '--model', path, '--out', out, '--vectors-per-file', '100001'])).toBe(
        2,
      );
      expect(await runCli(['export', 'vectorize', '--model', path, '--out', out, '--index-name', 'a b'])).toBe(2);
      expect(await runCli(['export', 'vectorize', '--model', path])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.join('')).toContain('--vectors-per-file must be an integer from 1 to 100000 (got 100001)');
    expect(stderr.join('')).toContain('--index-name must be 1 to 64 letters');
    expect(stderr.join('')).toMatch(/required option '-o, --out <file>' not specified/);
  });
});
