import { createIdIndex, serializeArtifact, type EpochRecord, type RecommenderModel } from '@edgerec/core';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { plotCommand } from './plot.js';

/** A valid two-user, two-item artifact whose training history is `history`. */
async function artifactText(history: EpochRecord[]): Promise<string> {
  const model: RecommenderModel = {
    dim: 1,
    activation: 'tanh',
    globalBias: 0,
    scale: { min: 1, max: 5, targetMin: 0, targetMax: 1 },
    recommendThreshold: 3.5,
    users: createIdIndex(['u1', 'u2']),
    items: createIdIndex(['i1', 'i2']),
    userFactors: new Float32Array([0.1, 0.2]),
    itemFactors: new Float32Array([0.3, 0.4]),
    userBias: new Float32Array(2),
    itemBias: new Float32Array(2),
  };
  return serializeArtifact(model, {
    stats: { ratings: 4, users: 2, items: 2, globalMean: 3 },
    training: {
      data: { file: 'tiny.tsv', sha256: 'cd'.repeat(32), format: 'tsv', ratings: 4 },
      seed: 7,
      epochs: history.length,
      bestEpoch: history.length > 0 ? 2 : 0,
      stoppedEarly: false,
      backend: 'cpu',
      seconds: 0.1,
      hyperparameters: { dim: 1, activation: 'tanh', learningRate: 0.01, batchSize: 2 },
      metrics: {},
      history,
    },
  });
}

const history: EpochRecord[] = [1, 2, 3].map((epoch) => ({
  epoch,
  loss: 0.2 / epoch,
  valLoss: epoch === 2 ? 0.05 : 0.08,
  rmse: 1.5 / epoch,
  valRmse: epoch === 2 ? 0.9 : 1.1,
  seconds: 0.01,
}));

/** Runs `edgerec plot` in-process and returns what it printed on stdout. */
async function plot(args: string[]): Promise<string> {
  let printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  await plotCommand().parseAsync(args, { from: 'user' });
  return printed;
}

describe('edgerec plot', () => {
  const tempDir = useTempDirs();
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('redraws the curves from the artifact next to it, or where --out says', async () => {
    const dir = await tempDir();
    const model = join(dir, 'model.json');
    await writeFile(model, await artifactText(history));
    expect(await plot(['--model', model])).toBe(`wrote ${join(dir, 'model.curves.svg')}\n`);
    const svg = await readFile(join(dir, 'model.curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('tiny.tsv — dim 1, tanh, lr 0.01, batch 2');
    expect(svg).toContain('best epoch 2');
    expect(svg.split('aria-roledescription="point"').length - 1).toBe(4 * history.length);

    const out = join(dir, 'elsewhere', 'c.svg');
    expect(await plot(['--model', model, '--out', out])).toBe(`wrote ${out}\n`);
    expect(await readFile(out, 'utf8')).toBe(svg);
  });

  it('--json prints one JSON document naming the SVG written', async () => {
    const dir = await tempDir();
    const model = join(dir, 'model.json');
    await writeFile(model, await artifactText(history));
    const out = join(dir, 'c.svg');
    const json = JSON.parse(await plot(['--model', model, '--out', out, '--json'])) as Record<string, unknown>;
    expect(json).toEqual({ out, model, epochs: 3, bestEpoch: 2, bytes: (await readFile(out)).length });
  });

  it('refuses a model without history, a missing model, and writing over the model', async () => {
    const dir = await tempDir();
    const model = join(dir, 'empty.json');
    await writeFile(model, await artifactText([]));
    await expect(plot(['--model', model])).rejects.toThrow(new UserError(`${model} has no training history to plot`));
    await expect(plot(['--model', join(dir, 'missing.json')])).rejects.toThrow(
      /cannot read model .*missing\.json: no such file/,
    );
    await expect(plot(['--model', model, '--out', model])).rejects.toThrow(
      /the --out file .*empty\.json is the input file/,
    );
  });
});
