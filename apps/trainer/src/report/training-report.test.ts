import type { TrainingInfo } from '@edgerec/core';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { curvesLabels, defaultPlotPath, writeTrainingReport } from './training-report.js';

const training: TrainingInfo = {
  data: { file: 'ratings.tsv', sha256: 'ab'.repeat(32), format: 'tsv', ratings: 12_345 },
  seed: 42,
  epochs: 4,
  bestEpoch: 3,
  stoppedEarly: true,
  backend: 'cpu',
  seconds: 1.5,
  hyperparameters: { dim: 32, activation: 'tanh', dropout: 0, l2: 0.001, learningRate: 0.001, batchSize: 1024 },
  metrics: { validation: { rmse: 0.91234, mae: 0.7, count: 10 }, test: { rmse: 0.95, mae: 0.75, count: 10 } },
  history: [1, 2, 3, 4].map((epoch) => ({
    epoch,
    loss: 0.1 / epoch,
    valLoss: 0.1 / epoch + 0.01 * (epoch === 4 ? 2 : 1),
    rmse: 1.2 / epoch,
    valRmse: 1.3 / epoch + (epoch === 4 ? 0.2 : 0),
    seconds: 0.2,
  })),
};
/** What writeTrainingReport reads from the artifact text: only its `training` section. */
const artifact = JSON.stringify({ format: 'edgerec-model', training });

/** A stream that remembers what was written to it. */
function capture(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk));
  return Object.assign(stream, { text: () => text });
}

describe('defaultPlotPath', () => {
  it('puts <name>.curves.svg beside the artifact', () => {
    expect(defaultPlotPath('out/model.json')).toBe('out/model.curves.svg');
    expect(defaultPlotPath('M.JSON')).toBe('M.curves.svg');
    expect(defaultPlotPath('model')).toBe('model.curves.svg');
  });
});

describe('curvesLabels', () => {
  it('titles the chart with the data file and model, and marks the kept epoch', () => {
    const labels = curvesLabels(training);
    expect(labels.title).toBe('ratings.tsv — dim 32, tanh, L2 0.001, lr 0.001, batch 1024');
    expect(labels.subtitle).toBe(
      '4 epochs (stopped early), best 3 · validation RMSE 0.9123 · test RMSE 0.9500 · 12,345 ratings, seed 42, cpu',
    );
    expect(labels.bestEpoch).toBe(3);
    expect(curvesLabels({ ...training, bestEpoch: 0 }).bestEpoch).toBeUndefined();
  });
});

describe('writeTrainingReport', () => {
  const tempDir = useTempDirs();

  it('with --plot: writes the SVG next to the artifact, says so on stdout, and charts RMSE on stderr', async () => {
    const dir = await tempDir();
    const out = join(dir, 'model.json');
    const [stdout, stderr] = [capture(), capture()];
    await writeTrainingReport({ artifact, out, plot: true, stdout, stderr });
    const svg = await readFile(join(dir, 'model.curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('ratings.tsv — dim 32');
    expect(svg).toContain('best epoch 3');
    expect(await readdir(dir)).toEqual(['model.curves.svg']); // no temp file left behind
    expect(stdout.text()).toBe(`wrote ${join(dir, 'model.curves.svg')}\n`);
    const chart = stderr.text().trimEnd().split('\n');
    expect(chart.length).toBeLessThanOrEqual(12);
    expect(chart.at(-1)).toContain('min 0.4333 at epoch 3, the best epoch');
  });

  it('charts the kept epoch as such when the curve minimum is another one', async () => {
    const stderr = capture();
    const kept = JSON.stringify({ format: 'edgerec-model', training: { ...training, bestEpoch: 2 } });
    await writeTrainingReport({ artifact: kept, out: 'model.json', stdout: capture(), stderr });
    expect(stderr.text().trimEnd().split('\n').at(-1)).toContain(
      'best epoch 2: 0.6500, kept by early stopping; curve min 0.4333 at epoch 3',
    );
  });

  it('writes to the file given, and keeps stdout for JSON under --json', async () => {
    const dir = await tempDir();
    const [stdout, stderr] = [capture(), capture()];
    const plot = join(dir, 'plots', 'curves.svg');
    await writeTrainingReport({ artifact, out: join(dir, 'model.json'), plot, json: true, stdout, stderr });
    expect(existsSync(plot)).toBe(true);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain(`wrote ${plot}\n`);
  });

  it('prints nothing and reads nothing when quiet without --plot', async () => {
    const [stdout, stderr] = [capture(), capture()];
    await writeTrainingReport({ artifact: 'not even JSON', out: 'model.json', quiet: true, stdout, stderr });
    expect(stdout.text() + stderr.text()).toBe('');
  });

  it('prints only the chart without --plot, and refuses to plot over the model', async () => {
    const dir = await tempDir();
    const [stdout, stderr] = [capture(), capture()];
    await writeTrainingReport({ artifact, out: join(dir, 'model.json'), stdout, stderr });
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain('val RMSE');
    expect(await readdir(dir)).toEqual([]);
    const out = join(dir, 'model.json');
    await expect(writeTrainingReport({ artifact, out, plot: out, stdout, stderr })).rejects.toThrow(UserError);
  });
});
